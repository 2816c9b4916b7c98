// The classifier contract and its exact and trained implementations
export type { NoisyClassifier } from './NoisyClassifier.js';
export { mixtureClassifier } from './mixtureClassifier.js';
export type { MixtureSpec, MixtureLike } from './internal/mixture.js';
export {
  createNoisyClassifier,
  resolveNoisyClassifierConfig,
  perturb,
  NOISY_CLASSIFIER_KINDS,
  noisyClassifierRegistry,
} from './createNoisyClassifier.js';
export { NoisyClassifierConfigError } from './NoisyClassifierConfigError.js';
export type {
  NoisyClassifierConfig,
  NamedNoisyClassifierConfig,
  LegacyNoisyClassifierConfig,
  ResolvedNoisyClassifierConfig,
  NoisyClassifierKind,
  TrainableNoisyClassifier,
} from './createNoisyClassifier.js';
export { trainNoisyClassifier } from './trainNoisyClassifier.js';
export type { TrainNoisyClassifierOptions, TrainNoisyClassifierResult } from './trainNoisyClassifier.js';
export { decodeNoisyClassifier } from './decodeNoisyClassifier.js';
export type { NoisyClassifierFit } from './decodeNoisyClassifier.js';

// Guidance as transforms of a Denoiser
export { withLabels } from './withLabels.js';
export { classifierGuidance } from './classifierGuidance.js';
export type { ClassifierGuidanceOptions } from './classifierGuidance.js';
export { classifierFreeGuidance } from './classifierFreeGuidance.js';
export type { ClassifierFreeGuidanceOptions } from './classifierFreeGuidance.js';
export { conditionalMixtureDenoiser } from './conditionalMixtureDenoiser.js';
export type { ConditionalDenoiser } from './conditionalMixtureDenoiser.js';

// Inverse problems as step callbacks
export { inpaint } from './inpaint.js';
export type { InpaintOptions } from './inpaint.js';
export { colourise } from './colourise.js';
export type { ColouriseOptions } from './colourise.js';
