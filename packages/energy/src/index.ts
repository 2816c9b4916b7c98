// Hopfield networks
export { hebbianWeights } from './hopfield/hebbianWeights.js';
export { HopfieldNetwork } from './hopfield/HopfieldNetwork.js';
export type { HopfieldUnits, HopfieldOptions, HopfieldRecall, HopfieldRecallOptions } from './hopfield/HopfieldNetwork.js';
export { modernHopfieldUpdate, modernHopfieldEnergy } from './hopfield/modernHopfield.js';

// Restricted Boltzmann machines
export { Rbm } from './rbm/Rbm.js';
export type { RbmOptions, RbmGradients } from './rbm/Rbm.js';
export { rbmLogPartition, MAX_ENUMERATED_UNITS } from './rbm/rbmLogPartition.js';
export { rbmExactLogLikelihood, rbmExactGradients } from './rbm/rbmExactLogLikelihood.js';
export { contrastiveDivergenceGradients } from './rbm/contrastiveDivergenceGradients.js';
export type { ContrastiveDivergenceOptions, ContrastiveDivergenceResult } from './rbm/contrastiveDivergenceGradients.js';
export { RbmTrainer } from './rbm/RbmTrainer.js';
export type { RbmTrainerOptions } from './rbm/RbmTrainer.js';
export { rbmAnnealedImportanceSampling } from './rbm/rbmAnnealedImportanceSampling.js';
export type { RbmAisOptions, RbmAisResult } from './rbm/rbmAnnealedImportanceSampling.js';

// Deep energy-based models
export type { EnergyFunction } from './ebm/EnergyFunction.js';
export { shortRunLangevin } from './ebm/shortRunLangevin.js';
export type { ShortRunLangevinOptions } from './ebm/shortRunLangevin.js';
export { ReplayBuffer } from './ebm/ReplayBuffer.js';
export type { ReplayBufferOptions } from './ebm/ReplayBuffer.js';
export { contrastiveEnergyLoss } from './ebm/contrastiveEnergyLoss.js';
export { EbmTrainer } from './ebm/EbmTrainer.js';
export type { EbmTrainerOptions } from './ebm/EbmTrainer.js';
