import type { Sampler } from '../Sampler.js';
import { checkEps, sdeGrid } from '../internal/grids.js';
import { defineSampler } from '../internal/defineSampler.js';
import { described, integerAtLeast, type OptionSpec, positive, readOptions } from '../internal/options.js';
import { predictorCorrectorProgram } from '../internal/predictorCorrectorProgram.js';
import { noneStep, reverseDiffusionStep } from '../internal/sdeSteps.js';

/** Options of {@link reverseDiffusionSampler}. */
export interface ReverseDiffusionOptions {
  /** Number of steps (default: the SDE's N). */
  readonly steps?: number;
  /** End time (default: the SDE's sampling eps). */
  readonly eps?: number;
}

/** The options of `reverse-diffusion` with their checks and one-line help (the CLI derives its flags from it). */
export const REVERSE_DIFFUSION_OPTION_SPEC: OptionSpec<ReverseDiffusionOptions> = {
  steps: described(integerAtLeast(1), "number of steps (default: the SDE's N)"),
  eps: described(positive, "end time (default: the SDE's sampling eps)"),
};

/**
 * The reverse-diffusion predictor (score_sde `reverse_diffusion`): the forward SDE's discretisation run backwards,
 * x_mean = x − f + G²·s, x = x_mean + G·z, with f and G from the exact Gaussian transition between grid times.
 * One score evaluation per step; `denoise` (default true) returns the last mean.
 *
 * @example
 * const { samples } = await reverseDiffusionSampler({ steps: 200 }).run({ score, sde, shape: [500, 2], seed: 0 });
 */
export function reverseDiffusionSampler(options: ReverseDiffusionOptions = {}): Sampler {
  const o = readOptions<ReverseDiffusionOptions>('reverse-diffusion', options, REVERSE_DIFFUSION_OPTION_SPEC);
  return defineSampler(
    'reverse-diffusion',
    o as Record<string, unknown>,
    (run) => {
      const eps = o.eps ?? run.sde.samplingEps;
      checkEps('reverse-diffusion', run.sde, eps);
      const steps = o.steps ?? run.sde.N;
      return predictorCorrectorProgram(run, { predictor: reverseDiffusionStep, corrector: noneStep, predictorIsNone: false, ...sdeGrid(run.sde, steps, eps), chainSteps: steps });
    },
  );
}
