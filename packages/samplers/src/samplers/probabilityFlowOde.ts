import type * as tf from '@tensorflow/tfjs';
import type { Sampler } from '../Sampler.js';
import { checkEps, solverGrid, type TimeSpacing } from '../internal/grids.js';
import { makeSampler } from '../internal/makeSampler.js';
import { FIXED_STEP_METHODS, ODE_METHODS, integrateFixed, integrateRk45, type OdeMethod } from '../internal/odeSolvers.js';
import { integerAtLeast, oneOf, positive, readOptions } from '../internal/options.js';
import { probabilityFlowRhs, tweedie } from '../internal/probabilityFlow.js';

/** Options of {@link probabilityFlowOdeSampler}. */
export interface ProbabilityFlowOdeOptions {
  /** `'rk45'` (default, adaptive Dormand–Prince as score_sde), `'euler'`, `'heun'` or `'rk4'`. */
  readonly method?: OdeMethod;
  /** Steps of a fixed-step method, default 100 (NFE = steps × 1, 2 or 4). */
  readonly steps?: number;
  /** Spacing of a fixed-step grid: `'time'` (default) or `'logSNR'`. */
  readonly spacing?: TimeSpacing;
  /** RK45 relative tolerance, default 1e-5 (score_sde). */
  readonly rtol?: number;
  /** RK45 absolute tolerance, default 1e-5 (score_sde). */
  readonly atol?: number;
  /** RK45 attempted-step limit, default 10000. */
  readonly maxSteps?: number;
  /** End time (default: the SDE's sampling eps). */
  readonly eps?: number;
}

/**
 * Samples by integrating the probability-flow ODE dx/dt = f(t)x − ½g(t)²s(x, t) from T to eps (score_sde
 * sampling.py get_ode_sampler): adaptive RK45 with rtol = atol = 1e-5 by default, or Euler, Heun or RK4 on a
 * fixed grid. Deterministic given the prior draw (or `init`, a latent from `encode`). `denoise` (default false,
 * as score_sde) adds one Tweedie step x̂₀ = (x + σ²s)/α at eps (one more evaluation). The result's `nfe` counts
 * every evaluation; `stats` has `rejectedSteps` for RK45.
 *
 * @example
 * const { samples, nfe } = await probabilityFlowOdeSampler().run({ score, sde: new VpSde(), shape: [500, 2], seed: 0 });
 * const heun = probabilityFlowOdeSampler({ method: 'heun', steps: 50 });
 */
export function probabilityFlowOdeSampler(options: ProbabilityFlowOdeOptions = {}): Sampler {
  const o = readOptions<ProbabilityFlowOdeOptions>('ode', options, {
    method: oneOf(...ODE_METHODS),
    steps: integerAtLeast(1),
    spacing: oneOf('time', 'logSNR'),
    rtol: positive,
    atol: positive,
    maxSteps: integerAtLeast(1),
    eps: positive,
  });
  const r = { method: 'rk45', steps: 100, spacing: 'time', rtol: 1e-5, atol: 1e-5, maxSteps: 10_000, ...o } as const;
  return makeSampler(
    'ode',
    r,
    () => (r.method === 'rk45' ? 1000 : r.steps),
    async (run) => {
      const sde = run.sde;
      const eps = o.eps ?? sde.samplingEps;
      checkEps('ode', sde, eps);
      const F = probabilityFlowRhs(sde, run.score);
      const x0 = run.initial(() => sde.priorSample(run.shape, run.rng));
      run.record(0, sde.T, x0);
      const hooks = {
        before: (i: number, t: number, live: tf.Tensor[]) => run.checkpoint(i, t, [...live, x0]),
        after: (i: number, t: number, y: tf.Tensor, fraction: number) => {
          if (r.method === 'rk45') {
            run.progressFraction(fraction);
            run.record(i + 1, t, y);
          } else run.stepDone(i, t, y);
        },
      };
      let x: tf.Tensor;
      let steps: number;
      let stats: Record<string, number> | undefined;
      if (r.method === 'rk45') {
        const out = await integrateRk45(F, x0, sde.T, eps, r, hooks);
        x = out.y;
        steps = out.accepted;
        stats = { rejectedSteps: out.rejected };
      } else {
        x = await integrateFixed(r.method, F, x0, solverGrid(sde, r.steps, eps, r.spacing), hooks);
        steps = r.steps;
      }
      x0.dispose();
      if (run.denoise(false)) {
        const d = tweedie(sde, run.score, x, eps);
        x.dispose();
        x = d;
      }
      return run.finish(x, steps, eps, stats);
    },
  );
}

/** Evaluations per step of each fixed-step method (for planning an NFE budget). */
export const ODE_EVALUATIONS_PER_STEP: Readonly<Record<Exclude<OdeMethod, 'rk45'>, number>> = FIXED_STEP_METHODS;
