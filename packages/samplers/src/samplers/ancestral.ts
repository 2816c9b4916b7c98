import type { Sampler } from '../Sampler.js';
import { checkEps, sdeGrid } from '../internal/grids.js';
import { defineSampler } from '../internal/defineSampler.js';
import { described, integerAtLeast, oneOf, type OptionSpec, positive, readOptions } from '../internal/options.js';
import { predictorCorrectorProgram } from '../internal/predictorCorrectorProgram.js';
import { ancestralStep, defaultAncestralVariance, noneStep, type AncestralVariance } from '../internal/sdeSteps.js';

/** Options of {@link ancestralSampler}. */
export interface AncestralOptions {
  /** Number of steps (default: the SDE's N; on `DdpmSde` with N steps this is DDPM's chain). */
  readonly steps?: number;
  /** End time (default: the SDE's sampling eps). */
  readonly eps?: number;
  /** Noise variance per step: `'beta'` (β, score_sde's VP choice) or `'posterior'` (β̃, score_sde's VE choice). */
  readonly variance?: AncestralVariance;
}

/** The options of `ancestral` with their checks and one-line help (the CLI derives its flags from it). */
export const ANCESTRAL_OPTION_SPEC: OptionSpec<AncestralOptions> = {
  steps: described(integerAtLeast(1), "number of steps (default: the SDE's N)"),
  eps: described(positive, "end time (default: the SDE's sampling eps)"),
  variance: described(oneOf('beta', 'posterior'), 'noise variance per step: β (VP default) or the posterior β̃ (VE default)'),
};

/**
 * Ancestral sampling, DDPM's x_{i−1} = (x_i + β_i·s)/√(1 − β_i) + √β_i·z (score_sde `ancestral_sampling`,
 * Ho et al. 2020), written for any linear SDE through the Gaussian transition between grid times: with
 * a = α(t)/α(s) and v = σ(t)² − a²σ(s)², x_mean = (x + v·s)/a. The default variance follows score_sde: posterior
 * on VE, β elsewhere. One score evaluation per step; `denoise` (default true) returns the last mean.
 *
 * @example
 * const { samples } = await ancestralSampler().run({ score, sde: new DdpmSde(), shape: [256, 2], seed: 3 });
 */
export function ancestralSampler(options: AncestralOptions = {}): Sampler {
  const o = readOptions<AncestralOptions>('ancestral', options, ANCESTRAL_OPTION_SPEC);
  return defineSampler(
    'ancestral',
    o as Record<string, unknown>,
    (run) => {
      const sde = run.sde;
      const eps = o.eps ?? sde.samplingEps;
      checkEps('ancestral', sde, eps);
      const predictor = ancestralStep(o.variance ?? defaultAncestralVariance(sde));
      const steps = o.steps ?? sde.N;
      return predictorCorrectorProgram(run, { predictor, corrector: noneStep, predictorIsNone: false, ...sdeGrid(sde, steps, eps), chainSteps: steps });
    },
  );
}
