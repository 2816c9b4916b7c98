// Registry and one-call API
export { createSampler, SAMPLER_NAMES, samplerOptionSpec, samplerRegistry } from './createSampler.js';
export type { SamplerName, SamplerOptionsByName, SamplerOptionInfo } from './createSampler.js';
export { sample } from './sample.js';
export type { SampleConfig } from './sample.js';
export type {
  Sampler,
  SampleRequest,
  SampleResult,
  StepInfo,
  StepCallback,
  X0Threshold,
  LegacyX0Threshold,
  Trajectory,
  TrajectoryOptions,
  ProgressCallback,
} from './Sampler.js';
export { registerPredictor, registerCorrector, predictorNames, correctorNames, predictorRegistry, correctorRegistry } from './steps.js';
export type { PredictorBuilder, PredictorOptions, CorrectorOptions } from './steps.js';
export type { SdeStep, StepContext, StepOutput, PredictorFactory, CorrectorFactory } from './internal/sdeSteps.js';
export { SamplingAbortedError } from './SamplingAbortedError.js';

// Samplers
export { langevinSampler } from './samplers/langevin.js';
export type { LangevinOptions } from './samplers/langevin.js';
export { metropolisLangevinSampler } from './samplers/metropolisLangevin.js';
export type { MetropolisLangevinOptions } from './samplers/metropolisLangevin.js';
export { annealedLangevinSampler } from './samplers/annealedLangevin.js';
export type { AnnealedLangevinOptions } from './samplers/annealedLangevin.js';
export { eulerMaruyamaSampler } from './samplers/eulerMaruyama.js';
export type { EulerMaruyamaOptions } from './samplers/eulerMaruyama.js';
export { reverseDiffusionSampler } from './samplers/reverseDiffusion.js';
export type { ReverseDiffusionOptions } from './samplers/reverseDiffusion.js';
export { ancestralSampler } from './samplers/ancestral.js';
export type { AncestralOptions } from './samplers/ancestral.js';
export { predictorCorrectorSampler } from './samplers/predictorCorrector.js';
export type { PredictorCorrectorOptions, PredictorName, CorrectorName } from './samplers/predictorCorrector.js';
export { probabilityFlowOdeSampler, ODE_EVALUATIONS_PER_STEP } from './samplers/probabilityFlowOde.js';
export type { ProbabilityFlowOdeOptions } from './samplers/probabilityFlowOde.js';
export { ddimSampler } from './samplers/ddim.js';
export type { DdimOptions } from './samplers/ddim.js';
export { dpmSolverPlusPlusSampler } from './samplers/dpmSolverPlusPlus.js';
export type { DpmSolverPlusPlusOptions } from './samplers/dpmSolverPlusPlus.js';
export { edmHeunSampler } from './samplers/edmHeun.js';
export type { EdmHeunOptions } from './samplers/edmHeun.js';

// Latents and likelihood
export { encode } from './encode.js';
export type { OdeCodingOptions } from './encode.js';
export { decode } from './decode.js';
export { slerp } from './slerp.js';
export { interpolate } from './interpolate.js';
export { likelihood } from './likelihood.js';
export type { LikelihoodOptions, LikelihoodResult } from './likelihood.js';
export { divergence } from './divergence.js';
export type { DivergenceEstimator, DivergenceOptions, HutchinsonProbe } from './divergence.js';
export { bitsPerDim } from './bitsPerDim.js';
export { dequantize } from './dequantize.js';
export type { DequantizeOptions } from './dequantize.js';
export type { OdeSolveOptions } from './internal/odeTransform.js';
