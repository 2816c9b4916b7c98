export type { Network, ApplyOptions } from './Network.js';
export type { NamedVariable } from './NamedVariable.js';
export { ConfigError } from './ConfigError.js';
export { createNetwork, registerNetwork, networkKinds, resolveNetworkConfig } from './createNetwork.js';
export type { NetworkConfig, CreateNetworkOptions } from './createNetwork.js';
export { createMlp, resolveMlpConfig } from './networks/MlpNetwork.js';
export type { MlpConfig, ResolvedMlpConfig, MlpNetwork, MlpActivation, EmbeddingKind } from './networks/MlpNetwork.js';
export { createUNet, resolveUNetConfig, UNET_PRESETS } from './networks/UNet.js';
export type { UNetConfig, ResolvedUNetConfig, UNetNetwork } from './networks/UNet.js';
export { createEnergyNetwork, resolveEnergyConfig } from './networks/EnergyNetwork.js';
export type { EnergyConfig, ResolvedEnergyConfig, EnergyNetwork, EnergyForm } from './networks/EnergyNetwork.js';
export { sinusoidalEmbedding } from './embeddings/sinusoidalEmbedding.js';
export { fourierEmbedding } from './embeddings/fourierEmbedding.js';
export { createScoreModel, resolveScoreModelConfig, PARAMETERISATIONS, NOISE_CONDITIONINGS } from './ScoreModel.js';
export type {
  ScoreModel,
  ScoreModelConfig,
  ResolvedScoreModelConfig,
  Parameterisation,
  NoiseConditioning,
  PredictOptions,
} from './ScoreModel.js';
export { ExponentialMovingAverage } from './ExponentialMovingAverage.js';
export type { EmaConfig, EmaState } from './ExponentialMovingAverage.js';
export { saveCheckpoint } from './checkpoints/saveCheckpoint.js';
export type { CheckpointContents, SaveCheckpointOptions } from './checkpoints/saveCheckpoint.js';
export { readCheckpoint, CheckpointError } from './checkpoints/readCheckpoint.js';
export type { CheckpointInfo, ReadCheckpointOptions } from './checkpoints/readCheckpoint.js';
export { restoreCheckpoint } from './checkpoints/restoreCheckpoint.js';
export type { RestoreTargets } from './checkpoints/restoreCheckpoint.js';
export { listCheckpoints } from './checkpoints/checkpointFormat.js';
