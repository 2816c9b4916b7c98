export type { DenoiserModel, ModelCallOptions } from './DenoiserModel.js';
export type { ScoreFunction } from './ScoreFunction.js';
export type { ObjectiveBatch } from './ObjectiveBatch.js';
export { REDUCTIONS } from './Reduction.js';
export type { Reduction } from './Reduction.js';
export { ObjectiveConfigError } from './ObjectiveConfigError.js';
// Divergences of a score model
export { jacobianTrace } from './jacobianTrace.js';
export { slicedTrace } from './slicedTrace.js';
export { sampleProjections, PROJECTION_KINDS } from './sampleProjections.js';
export type { ProjectionKind } from './sampleProjections.js';
// Noise-free objectives (model: ScoreFunction)
export { exactScoreMatchingLoss, exactScoreMatchingLosses } from './exactScoreMatchingLoss.js';
export type { ExactScoreMatchingOptions, ResolvedExactScoreMatchingOptions } from './exactScoreMatchingLoss.js';
export { slicedScoreMatchingLoss, slicedScoreMatchingLosses } from './slicedScoreMatchingLoss.js';
export type { SlicedScoreMatchingOptions, ResolvedSlicedScoreMatchingOptions } from './slicedScoreMatchingLoss.js';
export { dsmLoss, dsmLosses } from './dsmLoss.js';
export type { DsmOptions, ResolvedDsmOptions } from './dsmLoss.js';
// Time-conditioned objectives (model: a Denoiser from @scorekit/sde)
export { ncsnLoss, ncsnLosses } from './ncsnLoss.js';
export type { NcsnOptions, ResolvedNcsnOptions } from './ncsnLoss.js';
export { ddpmLoss, ddpmLosses } from './ddpmLoss.js';
export type { DdpmOptions, ResolvedDdpmOptions } from './ddpmLoss.js';
export { continuousDsmLoss, continuousDsmLosses } from './continuousDsmLoss.js';
export type { ContinuousDsmOptions, ResolvedContinuousDsmOptions, ContinuousDsmLossesOptions } from './continuousDsmLoss.js';
export { lossWeight, LOSS_WEIGHTINGS } from './LossWeighting.js';
export type { LossWeighting } from './LossWeighting.js';
export { createTimeSampler } from './createTimeSampler.js';
export type { TimeSampler, TimeSamplerOptions, TimeSamplingMethod } from './createTimeSampler.js';
export { edmLoss, edmLosses } from './edmLoss.js';
export type { EdmOptions, ResolvedEdmOptions } from './edmLoss.js';
// EDM's coefficients live in @scorekit/sde's parameterisation module; re-exported where the EDM loss is.
export { edmPreconditioning } from '@scorekit/sde';
export type { EdmPreconditioning } from '@scorekit/sde';
// Classifier-free guidance's conditional training
export { dropLabels } from './dropLabels.js';
export type { LabelDropoutOptions } from './dropLabels.js';
// Registry
export { createObjective, objectiveOptionNames, objectiveRegistry, OBJECTIVE_NAMES } from './createObjective.js';
export type {
  Objective,
  ObjectiveName,
  ObjectiveConfig,
  ObjectiveCallOptions,
  ObjectiveByName,
  ScoreObjective,
  DenoiserObjective,
} from './createObjective.js';
