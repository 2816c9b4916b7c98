import {
  aldCorrector,
  ancestralStep,
  defaultAncestralVariance,
  eulerMaruyamaStep,
  langevinCorrector,
  noneStep,
  reverseDiffusionStep,
  type CorrectorFactory,
  type PredictorFactory,
} from './internal/sdeSteps.js';

const predictors = new Map<string, PredictorFactory>([
  ['euler-maruyama', () => eulerMaruyamaStep],
  ['reverse-diffusion', () => reverseDiffusionStep],
  ['ancestral', (sde, o) => ancestralStep(o.variance ?? defaultAncestralVariance(sde))],
  ['none', () => noneStep],
]);

const correctors = new Map<string, CorrectorFactory>([
  ['langevin', langevinCorrector],
  ['ald', aldCorrector],
  ['none', () => noneStep],
]);

/** The registered predictors of the PC sampler (score_sde sampling.py's `_PREDICTORS`). */
export function predictorNames(): string[] {
  return [...predictors.keys()];
}

/** The registered correctors of the PC sampler (score_sde sampling.py's `_CORRECTORS`). */
export function correctorNames(): string[] {
  return [...correctors.keys()];
}

/**
 * Registers a predictor step under a name the PC sampler (and so configs and the CLI) can then use. A step gets
 * x and a context (`predict(x)` evaluates the denoiser at the step's time t, `s` is the next time, `rng`) and
 * returns `{ x, mean }`.
 *
 * @example
 * registerPredictor('my-euler', () => (x, c) => { ... });
 */
export function registerPredictor(name: string, factory: PredictorFactory): void {
  register(predictors, 'predictor', name, factory);
}

/** Registers a corrector step (see {@link registerPredictor}); its factory gets the snr and inner steps. */
export function registerCorrector(name: string, factory: CorrectorFactory): void {
  register(correctors, 'corrector', name, factory);
}

/** The predictor registered as `name`, or an error listing the registered ones. */
export function predictorFactory(name: string): PredictorFactory {
  const f = predictors.get(name);
  if (!f) throw new Error(`Unknown predictor '${name}'. Allowed: ${predictorNames().join(', ')}`);
  return f;
}

/** The corrector registered as `name`, or an error listing the registered ones. */
export function correctorFactory(name: string): CorrectorFactory {
  const f = correctors.get(name);
  if (!f) throw new Error(`Unknown corrector '${name}'. Allowed: ${correctorNames().join(', ')}`);
  return f;
}

function register<T>(registry: Map<string, T>, kind: string, name: string, factory: T): void {
  if (typeof name !== 'string' || !/^[a-z][a-z0-9+-]*$/.test(name)) throw new Error(`A ${kind} name must be lower-case letters, digits, '-' or '+'; got '${name}'`);
  if (typeof factory !== 'function') throw new Error(`A ${kind} must be registered with a factory function`);
  if (registry.has(name)) throw new Error(`A ${kind} named '${name}' is already registered`);
  registry.set(name, factory);
}
