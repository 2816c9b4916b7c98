import { defineRegistry, optionChecks, type Registry } from '@scorekit/core';
import type { Sde } from '@scorekit/sde';
import {
  aldCorrector,
  ancestralStep,
  defaultAncestralVariance,
  eulerMaruyamaStep,
  langevinCorrector,
  noneStep,
  reverseDiffusionStep,
  type AncestralVariance,
  type CorrectorFactory,
  type PredictorFactory,
  type SdeStep,
} from './internal/sdeSteps.js';

/** The options every predictor is built with (the PC sampler's `variance`, used by the ancestral one). */
export interface PredictorOptions {
  readonly variance?: AncestralVariance;
}

/** The options every corrector is built with: its signal-to-noise ratio and inner steps (defaults 0.16 and 1). */
export interface CorrectorOptions {
  readonly snr?: number;
  readonly steps?: number;
}

/** A predictor configured by its options, waiting for the run's SDE. */
export type PredictorBuilder = (sde: Sde) => SdeStep;

const predictorSpec = { variance: optionChecks.oneOf('beta', 'posterior') };
const correctorSpec = { snr: optionChecks.positive, steps: optionChecks.integerAtLeast(0) };

const predictorEntry = (name: string, factory: PredictorFactory) => ({
  name,
  spec: predictorSpec,
  create: (o: PredictorOptions): PredictorBuilder => (sde) => factory(sde, o),
});
const correctorEntry = (name: string, factory: CorrectorFactory) => ({
  name,
  spec: correctorSpec,
  // score_sde's defaults: snr 0.16 (CIFAR-10 VE), one corrector step.
  create: (o: CorrectorOptions): SdeStep => factory(o.snr ?? 0.16, o.steps ?? 1),
});

/**
 * The PC sampler's predictors (score_sde sampling.py's `_PREDICTORS`) as a registry of `@scorekit/core`'s one
 * shape: `names()`, each predictor's option spec, `resolve({ name, variance? })` returning every problem with its
 * path and the allowed values, and `create`, which gives a builder taking the run's SDE.
 *
 * @example
 * predictorRegistry.resolve({ name: 'ancestral', variance: 'big' }); // { ok: false, issues: [{ path: 'variance', allowed: "one of 'beta', 'posterior'", … }] }
 * const step = predictorRegistry.create({ name: 'reverse-diffusion' })(sde);
 */
export const predictorRegistry: Registry<PredictorBuilder> = defineRegistry<PredictorBuilder>('predictor', [
  predictorEntry('euler-maruyama', () => eulerMaruyamaStep),
  predictorEntry('reverse-diffusion', () => reverseDiffusionStep),
  predictorEntry('ancestral', (sde, o) => ancestralStep(o.variance ?? defaultAncestralVariance(sde))),
  predictorEntry('none', () => noneStep),
]);

/**
 * The PC sampler's correctors (score_sde sampling.py's `_CORRECTORS`), in the same registry shape as
 * {@link predictorRegistry}; `create({ name, snr?, steps? })` gives the step.
 *
 * @example
 * correctorRegistry.resolve({ name: 'langevin', snr: -1, steps: 0.5 }); // two issues: snr, steps
 */
export const correctorRegistry: Registry<SdeStep> = defineRegistry<SdeStep>('corrector', [
  correctorEntry('langevin', langevinCorrector),
  correctorEntry('ald', aldCorrector),
  correctorEntry('none', () => noneStep),
]);

/** The registered predictors of the PC sampler (score_sde sampling.py's `_PREDICTORS`). */
export function predictorNames(): string[] {
  return predictorRegistry.names();
}

/** The registered correctors of the PC sampler (score_sde sampling.py's `_CORRECTORS`). */
export function correctorNames(): string[] {
  return correctorRegistry.names();
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
  checkNew(predictorRegistry, name, factory);
  predictorRegistry.register(predictorEntry(name, factory));
}

/** Registers a corrector step (see {@link registerPredictor}); its factory gets the snr and inner steps. */
export function registerCorrector(name: string, factory: CorrectorFactory): void {
  checkNew(correctorRegistry, name, factory);
  correctorRegistry.register(correctorEntry(name, factory));
}

// A registered step cannot be replaced (a config naming it would silently change meaning) and its name must be
// writable on a command line.
function checkNew(registry: Registry<unknown>, name: string, factory: unknown): void {
  const kind = registry.kind;
  if (typeof name !== 'string' || !/^[a-z][a-z0-9+-]*$/.test(name)) throw new Error(`A ${kind} name must be lower-case letters, digits, '-' or '+'; got '${name}'`);
  if (typeof factory !== 'function') throw new Error(`A ${kind} must be registered with a factory function`);
  if (registry.entry(name)) throw new Error(`A ${kind} named '${name}' is already registered`);
}
