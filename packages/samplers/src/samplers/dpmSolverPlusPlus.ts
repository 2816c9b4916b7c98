import * as tf from '@tensorflow/tfjs-core';
import type { Sampler } from '../Sampler.js';
import { checkEps, solverGrid, type TimeSpacing } from '../internal/grids.js';
import { defineSampler } from '../internal/defineSampler.js';
import { boolean, described, integerAtLeast, oneOf, type OptionSpec, positive, readOptions } from '../internal/options.js';

/** Options of {@link dpmSolverPlusPlusSampler}. */
export interface DpmSolverPlusPlusOptions {
  /** Number of steps = score evaluations, default 20. */
  readonly steps?: number;
  /**
   * `'logSNR'` (default: uniform in λ, dpm-solver's recommendation for low-resolution data) or `'time'`
   * (dpm-solver's 'time_uniform', its `sample()` default, better for high-resolution images).
   */
  readonly spacing?: TimeSpacing;
  /** First order on the last step when steps < 10 (dpm-solver's `lower_order_final`), default true. */
  readonly lowerOrderFinal?: boolean;
  /** End time (default: the SDE's sampling eps). */
  readonly eps?: number;
}

/** The options of `dpm-solver++` with their checks and one-line help (the CLI derives its flags from it). */
export const DPM_SOLVER_PLUS_PLUS_OPTION_SPEC: OptionSpec<DpmSolverPlusPlusOptions> = {
  steps: described(integerAtLeast(1), 'number of steps (score evaluations)'),
  spacing: described(oneOf('time', 'logSNR'), 'uniform in log-SNR λ (low-resolution data) or in time (high-resolution images)'),
  lowerOrderFinal: described(boolean, 'first order on the last step when steps < 10'),
  eps: described(positive, "end time (default: the SDE's sampling eps)"),
};

/**
 * DPM-Solver++(2M) (Lu et al. 2022; LuChengTHU/dpm-solver dpm_solver_pytorch.py, multistep, data prediction,
 * solver_type 'dpmsolver'): with λ = log α − log σ, h = λ_t − λ_s and the data prediction D = x̂₀,
 * x_t = (σ_t/σ_s)·x_s − α_t(e^{−h} − 1)·D_s − ½α_t(e^{−h} − 1)·(D_s − D_{s'})/r, r = h_{prev}/h. First order on the
 * first step (and the last when steps < 10). The update only involves α and σ, so it is the same as working on
 * x/α with noise level σ/α, on every linear SDE. `denoise` (default false, dpm-solver's `denoise_to_zero`) adds one
 * Tweedie step at eps.
 *
 * @example
 * const { samples, nfe } = await dpmSolverPlusPlusSampler({ steps: 15 }).run({ score, sde: new VpSde(), shape: [1000, 2], seed: 0 });
 */
export function dpmSolverPlusPlusSampler(options: DpmSolverPlusPlusOptions = {}): Sampler {
  const o = readOptions<DpmSolverPlusPlusOptions>('dpm-solver++', options, DPM_SOLVER_PLUS_PLUS_OPTION_SPEC);
  const r = { steps: 20, spacing: 'logSNR', lowerOrderFinal: true, ...o } as const;
  return defineSampler('dpm-solver++', r, (run) => {
    const sde = run.sde;
    const eps = o.eps ?? sde.samplingEps;
    checkEps('dpm-solver++', sde, eps);
    const times = solverGrid(sde, r.steps, eps, r.spacing);
    const lambda = times.map((t) => Math.log(sde.alpha(t)) - Math.log(sde.sigma(t)));
    let previous: tf.Tensor | null = null;
    return {
      total: r.steps,
      start: () => ({ state: run.initial(() => sde.priorSample(run.shape, run.rng)), t: times[0] }),
      step(i, { state: x }) {
        const s = times[i];
        const t = times[i + 1];
        const data = tf.keep(run.predict(x, s).x0);
        const order = previous == null || (r.lowerOrderFinal && r.steps < 10 && i === r.steps - 1) ? 1 : 2;
        const h = lambda[i + 1] - lambda[i];
        const phi = Math.expm1(-h); // e^{−h} − 1
        const at = sde.alpha(t);
        let out = tf.sub(tf.mul(x, sde.sigma(t) / sde.sigma(s)), tf.mul(data, at * phi));
        if (order === 2) {
          const r0 = (lambda[i] - lambda[i - 1]) / h;
          const D1 = tf.div(tf.sub(data, previous!), r0);
          out = tf.sub(out, tf.mul(D1, 0.5 * at * phi));
        }
        previous?.dispose();
        previous = data;
        return { state: out, t, ...(run.watched ? { x0: tf.clone(data) } : {}) };
      },
      // dpm-solver's denoise_to_zero: one more evaluation, x̂₀ at eps.
      finish: ({ state: x }) => ({ x: run.denoise(false) ? tf.tidy(() => tf.keep(run.predict(x, eps).x0)) : x, t: eps }),
      carried: () => [previous],
    };
  });
}
