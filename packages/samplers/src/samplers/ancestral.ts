import type { Sampler } from '../Sampler.js';
import { checkEps } from '../internal/grids.js';
import { makeSampler } from '../internal/makeSampler.js';
import { integerAtLeast, oneOf, positive, readOptions } from '../internal/options.js';
import { runPredictorCorrector } from '../internal/runPredictorCorrector.js';
import { ancestralStep, defaultAncestralVariance, noneCorrector, type AncestralVariance } from '../internal/sdeSteps.js';

/** Options of {@link ancestralSampler}. */
export interface AncestralOptions {
  /** Number of steps (default: the SDE's N; on `DdpmSde` with N steps this is DDPM's chain). */
  readonly steps?: number;
  /** End time (default: the SDE's sampling eps). */
  readonly eps?: number;
  /** Noise variance per step: `'beta'` (β, score_sde's VP choice) or `'posterior'` (β̃, score_sde's VE choice). */
  readonly variance?: AncestralVariance;
}

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
  const o = readOptions<AncestralOptions>('ancestral', options, {
    steps: integerAtLeast(1),
    eps: positive,
    variance: oneOf('beta', 'posterior'),
  });
  return makeSampler(
    'ancestral',
    o as Record<string, unknown>,
    (r) => o.steps ?? r.sde?.N ?? 0,
    (run) => {
      const sde = run.sde;
      const eps = o.eps ?? sde.samplingEps;
      checkEps('ancestral', sde, eps);
      const predictor = ancestralStep(o.variance ?? defaultAncestralVariance(sde));
      return runPredictorCorrector(run, { predictor, corrector: noneCorrector, predictorIsNone: false, steps: o.steps ?? sde.N, eps });
    },
  );
}
