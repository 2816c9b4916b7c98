export type { Sde, SdeName, ScoreFn, ReverseSde } from './Sde.js';
export { LinearSde } from './LinearSde.js';
export { VpSde } from './sdes/VpSde.js';
export type { VpSdeConfig } from './sdes/VpSde.js';
export { SubVpSde } from './sdes/SubVpSde.js';
export type { SubVpSdeConfig } from './sdes/SubVpSde.js';
export { VeSde } from './sdes/VeSde.js';
export type { VeSdeConfig } from './sdes/VeSde.js';
export { DdpmSde } from './sdes/DdpmSde.js';
export type { DdpmSdeConfig } from './sdes/DdpmSde.js';
export { reverseSde } from './reverseSde.js';
export { createSde, SDE_NAMES, sdeRegistry } from './createSde.js';
export type { SdeConfig } from './createSde.js';
export { ddpmBetas } from './schedules/ddpmBetas.js';
export type { DdpmBetaSchedule, DdpmBetasConfig } from './schedules/ddpmBetas.js';
export { ncsnSigmas } from './schedules/ncsnSigmas.js';
export type { NcsnSigmasConfig } from './schedules/ncsnSigmas.js';
export { karrasSigmas } from './schedules/karrasSigmas.js';
export type { KarrasSigmasConfig } from './schedules/karrasSigmas.js';
export {
  predictionFrom,
  regressionTarget,
  tidyPrediction,
  edmPreconditioning,
  edmInput,
  edmOutput,
  PARAMETERISATIONS,
  PREDICTION_KINDS,
} from './parameterisation.js';
export type { Parameterisation, PredictionKind, Prediction, Coefficient, EdmPreconditioning } from './parameterisation.js';
export { denoiserFromScore, scoreOf, timeCoefficients } from './Denoiser.js';
export type { Denoiser, DenoiserCallOptions } from './Denoiser.js';
