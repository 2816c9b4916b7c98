import { ConfigError } from '@scorekit/core';
import type { Sampler } from '../Sampler.js';
import { checkEps, sdeGrid } from '../internal/grids.js';
import { defineSampler } from '../internal/defineSampler.js';
import { described, integerAtLeast, oneOf, oneOfRegistered, type OptionSpec, positive, readOptions } from '../internal/options.js';
import { predictorCorrectorProgram } from '../internal/predictorCorrectorProgram.js';
import type { AncestralVariance } from '../internal/sdeSteps.js';
import { correctorNames, correctorRegistry, predictorNames, predictorRegistry } from '../steps.js';

/** The built-in predictors; others can be added with `registerPredictor`. */
export type PredictorName = 'euler-maruyama' | 'reverse-diffusion' | 'ancestral' | 'none';
/** The built-in correctors; others can be added with `registerCorrector`. */
export type CorrectorName = 'langevin' | 'ald' | 'none';

/** Options of {@link predictorCorrectorSampler}; defaults are score_sde's. */
export interface PredictorCorrectorOptions {
  /** `'reverse-diffusion'` (default), `'euler-maruyama'`, `'ancestral'`, `'none'` or a registered name. */
  readonly predictor?: PredictorName | (string & {});
  /** `'langevin'` (default, by signal-to-noise ratio), `'ald'` (NCSN's step), `'none'` or a registered name. */
  readonly corrector?: CorrectorName | (string & {});
  /** Signal-to-noise ratio of the corrector, default 0.16 (score_sde's CIFAR-10 VE setting). */
  readonly snr?: number;
  /** Corrector steps per predictor step, default 1. */
  readonly correctorSteps?: number;
  /** Number of predictor steps (default: the SDE's N). */
  readonly steps?: number;
  /** End time (default: the SDE's sampling eps). */
  readonly eps?: number;
  /** The ancestral predictor's variance (see `ancestralSampler`). */
  readonly variance?: AncestralVariance;
}

/** The options of `pc` with their checks and one-line help (the CLI derives its flags from it). */
export const PREDICTOR_CORRECTOR_OPTION_SPEC: OptionSpec<PredictorCorrectorOptions> = {
  predictor: described(oneOfRegistered(predictorNames), 'predictor step'),
  corrector: described(oneOfRegistered(correctorNames), 'corrector step'),
  snr: described(positive, "Langevin corrector's signal-to-noise ratio"),
  correctorSteps: described(integerAtLeast(0), 'corrector steps per predictor step'),
  steps: described(integerAtLeast(1), "number of predictor steps (default: the SDE's N)"),
  eps: described(positive, "end time (default: the SDE's sampling eps)"),
  variance: described(oneOf('beta', 'posterior'), "the ancestral predictor's variance"),
};

/**
 * The predictor–corrector sampler of score_sde (sampling.py get_pc_sampler): at each t_i of linspace(T, eps, N)
 * the corrector runs first — Langevin with step 2α(snr·‖z‖/‖s‖)², α = 1 − β_i on VP/sub-VP and 1 on VE — then
 * the predictor. NFE = N·(correctorSteps + 1); `denoise` (default true) returns the last predictor mean.
 *
 * @example
 * const pc = predictorCorrectorSampler({ predictor: 'reverse-diffusion', corrector: 'langevin', snr: 0.16 });
 * const { samples, nfe } = await pc.run({ score, sde: new VeSde(), shape: [64, 2], seed: 0 });
 */
export function predictorCorrectorSampler(options: PredictorCorrectorOptions = {}): Sampler {
  const o = readOptions<PredictorCorrectorOptions>('pc', options, PREDICTOR_CORRECTOR_OPTION_SPEC);
  const resolved = { predictor: 'reverse-diffusion', corrector: 'langevin', snr: 0.16, correctorSteps: 1, ...o } as const;
  if (resolved.predictor === 'none' && resolved.corrector === 'none') {
    throw new ConfigError("Sampler 'pc'", [{ path: 'corrector', problem: "cannot be 'none' when predictor is 'none' too", allowed: correctorNames().filter((c) => c !== 'none').join(', ') }], "Sampler 'pc': invalid options");
  }
  return defineSampler(
    'pc',
    resolved,
    (run) => {
      const sde = run.sde;
      const eps = o.eps ?? sde.samplingEps;
      checkEps('pc', sde, eps);
      const steps = o.steps ?? sde.N;
      return predictorCorrectorProgram(run, {
        predictor: predictorRegistry.create({ name: resolved.predictor, variance: o.variance })(sde),
        corrector: correctorRegistry.create({ name: resolved.corrector, snr: resolved.snr, steps: resolved.correctorSteps }),
        predictorIsNone: resolved.predictor === 'none',
        ...sdeGrid(sde, steps, eps),
        chainSteps: steps,
      });
    },
  );
}
