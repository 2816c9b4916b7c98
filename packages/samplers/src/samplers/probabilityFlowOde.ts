import * as tf from '@tensorflow/tfjs-core';
import type { Sampler } from '../Sampler.js';
import { checkEps, solverGrid, type TimeSpacing } from '../internal/grids.js';
import { defineSampler, type StepState } from '../internal/defineSampler.js';
import { FIXED_STEP_METHODS, ODE_METHODS, Rk45Stepper, fixedStep, type OdeMethod, type OdeRhs } from '../internal/odeSolvers.js';
import { described, integerAtLeast, oneOf, type OptionSpec, positive, readOptions } from '../internal/options.js';

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

/** The options of `ode` with their checks and one-line help (the CLI derives its flags from it). */
export const PROBABILITY_FLOW_ODE_OPTION_SPEC: OptionSpec<ProbabilityFlowOdeOptions> = {
  method: described(oneOf(...ODE_METHODS), 'ODE solver: adaptive rk45 (score_sde) or a fixed-step one'),
  steps: described(integerAtLeast(1), 'steps of a fixed-step method'),
  spacing: described(oneOf('time', 'logSNR'), 'spacing of a fixed-step grid'),
  rtol: described(positive, 'rk45 relative tolerance'),
  atol: described(positive, 'rk45 absolute tolerance'),
  maxSteps: described(integerAtLeast(1), 'rk45 attempted-step limit'),
  eps: described(positive, "end time (default: the SDE's sampling eps)"),
};

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
  const o = readOptions<ProbabilityFlowOdeOptions>('ode', options, PROBABILITY_FLOW_ODE_OPTION_SPEC);
  const r = { method: 'rk45', steps: 100, spacing: 'time', rtol: 1e-5, atol: 1e-5, maxSteps: 10_000, ...o } as const;
  return defineSampler('ode', r, (run) => {
    const sde = run.sde;
    const eps = o.eps ?? sde.samplingEps;
    checkEps('ode', sde, eps);
    // The probability-flow drift dx/dt = f(t)·x − ½g(t)²·s(x, t) (score_sde sde_lib.py SDE.reverse, ODE).
    const F: OdeRhs = (t, x) =>
      tf.tidy(() => {
        const g = sde.diffusion(t);
        return tf.sub(tf.mul(x, sde.driftRate(t)), tf.mul(run.score(x, t), 0.5 * g * g));
      });
    const finish = ({ state: x, t }: StepState) => ({ x: run.denoise(false) ? tf.tidy(() => tf.keep(run.predict(x, eps).x0)) : x, t });
    if (r.method === 'rk45') {
      let stepper: Rk45Stepper | null = null;
      return {
        total: 1000,
        start() {
          const x = run.initial(() => sde.priorSample(run.shape, run.rng));
          stepper = new Rk45Stepper(F, x, sde.T, eps, r);
          return { state: x, t: sde.T };
        },
        more: () => !stepper!.done,
        step: (_i, { state }) => ({ state: stepper!.step(state), t: stepper!.t }),
        fraction: () => stepper!.fraction,
        finish: (c) => {
          stepper!.dispose();
          return finish(c);
        },
        carried: () => [stepper?.carried],
        stats: () => ({ rejectedSteps: stepper!.rejected }),
      };
    }
    const method = r.method;
    const times = solverGrid(sde, r.steps, eps, r.spacing);
    return {
      total: r.steps,
      start: () => ({ state: run.initial(() => sde.priorSample(run.shape, run.rng)), t: sde.T }),
      step: (i, { state }) => ({ state: fixedStep(method, F, times[i], state, times[i + 1] - times[i]), t: times[i + 1] }),
      finish,
    };
  });
}

/** Evaluations per step of each fixed-step method (for planning an NFE budget). */
export const ODE_EVALUATIONS_PER_STEP: Readonly<Record<Exclude<OdeMethod, 'rk45'>, number>> = FIXED_STEP_METHODS;
