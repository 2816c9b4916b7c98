import type { Sampler } from '../Sampler.js';
import { checkEps, sdeGrid } from '../internal/grids.js';
import { defineSampler } from '../internal/defineSampler.js';
import { integerAtLeast, positive, readOptions } from '../internal/options.js';
import { predictorCorrectorProgram } from '../internal/predictorCorrectorProgram.js';
import { eulerMaruyamaStep, noneStep } from '../internal/sdeSteps.js';

/** Options of {@link eulerMaruyamaSampler}. */
export interface EulerMaruyamaOptions {
  /** Number of steps N (default: the SDE's N, 1000 — score_sde). */
  readonly steps?: number;
  /** End time (default: the SDE's sampling eps, 1e-3 VP / 1e-5 VE — score_sde). */
  readonly eps?: number;
}

/**
 * Euler–Maruyama on the reverse-time SDE dx = [f − g²s]dt + g dw̄ (score_sde `euler_maruyama` predictor, no
 * corrector) over t_i = linspace(T, eps, N) and a last step to 0. One score evaluation per step; `denoise`
 * (default true) returns the last step's mean.
 *
 * @example
 * const sampler = eulerMaruyamaSampler({ steps: 500 });
 * const { samples } = await sampler.run({ score, sde: new VpSde(), shape: [1000, 2], seed: 1 });
 */
export function eulerMaruyamaSampler(options: EulerMaruyamaOptions = {}): Sampler {
  const o = readOptions<EulerMaruyamaOptions>('euler-maruyama', options, { steps: integerAtLeast(1), eps: positive });
  return defineSampler(
    'euler-maruyama',
    o as Record<string, unknown>,
    (run) => {
      const eps = o.eps ?? run.sde.samplingEps;
      checkEps('euler-maruyama', run.sde, eps);
      const steps = o.steps ?? run.sde.N;
      return predictorCorrectorProgram(run, { predictor: eulerMaruyamaStep, corrector: noneStep, predictorIsNone: false, ...sdeGrid(run.sde, steps, eps), chainSteps: steps });
    },
  );
}
