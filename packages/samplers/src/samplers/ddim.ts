import * as tf from '@tensorflow/tfjs-core';
import type { Sde } from '@scorekit/sde';
import type { Sampler } from '../Sampler.js';
import { checkEps, solverGrid, type TimeSpacing } from '../internal/grids.js';
import { defineSampler } from '../internal/defineSampler.js';
import { described, integerAtLeast, nonNegative, oneOf, type OptionSpec, positive, readOptions } from '../internal/options.js';

/** Options of {@link ddimSampler}. */
export interface DdimOptions {
  /** Number of steps (score evaluations), default 50. */
  readonly steps?: number;
  /** η: 0 (default) is deterministic DDIM, 1 is DDPM's ancestral posterior. */
  readonly eta?: number;
  /** Step spacing: `'time'` (default; on `DdpmSde` snapped to its integer steps, DDIM's "uniform" skip) or `'logSNR'`. */
  readonly spacing?: TimeSpacing;
  /** End time (default: the SDE's sampling eps; on `DdpmSde` its first step). */
  readonly eps?: number;
  /**
   * On the discrete `DdpmSde` chain, which integer steps are used, by diffusers' `timestep_spacing` names:
   * `'leading'` (default; the DDIM paper's and diffusers' DDIMScheduler default: 10 of 1000 → 900, 800, …, 0),
   * `'trailing'` (999, 899, …, 99) or `'linspace'` (999, 888, …, 0); each ends with the jump to ᾱ = 1, x̂₀
   * (diffusers `set_alpha_to_one`). Ignored on continuous SDEs, where `spacing` applies.
   */
  readonly timestepSpacing?: DdimTimestepSpacing;
}

/** diffusers' `timestep_spacing` names for strided steps of the discrete chain. */
export type DdimTimestepSpacing = 'leading' | 'trailing' | 'linspace';

/** The options of `ddim` with their checks and one-line help (the CLI derives its flags from it). */
export const DDIM_OPTION_SPEC: OptionSpec<DdimOptions> = {
  steps: described(integerAtLeast(1), 'number of steps (score evaluations)'),
  eta: described(nonNegative, 'η: 0 deterministic DDIM, 1 DDPM-like ancestral noise'),
  spacing: described(oneOf('time', 'logSNR'), 'step spacing on continuous SDEs'),
  eps: described(positive, "end time (default: the SDE's sampling eps)"),
  timestepSpacing: described(oneOf('leading', 'trailing', 'linspace'), "diffusers' timestep_spacing on the discrete DDPM chain"),
};

/**
 * DDIM (Song, Meng & Ermon 2021, eq. 12) on any linear SDE: from t to the next *used* time s,
 * x̂₀ = (x + σ_t²·s)/α_t, ε̂ = −σ_t·s, c = η·√(σ_s²/σ_t² · (σ_t² − (α_t/α_s)²σ_s²)) and
 * x_s = α_s·x̂₀ + √(σ_s² − c²)·ε̂ + c·z — with α and σ of the previous used step, never of t − 1 (the common
 * strided-DDIM bug). On VP this is exactly DDIM with ᾱ = α². `denoise` (default false) adds DDIM's final jump to
 * ᾱ = 1 from eps, x̂₀, as one more evaluation.
 *
 * @example
 * const { samples } = await ddimSampler({ steps: 20, eta: 0 }).run({ score, sde: new DdpmSde(), shape: [64, 2], seed: 0 });
 */
export function ddimSampler(options: DdimOptions = {}): Sampler {
  const o = readOptions<DdimOptions>('ddim', options, DDIM_OPTION_SPEC);
  const r = { steps: 50, eta: 0, spacing: 'time', timestepSpacing: 'leading', ...o } as const;
  return defineSampler('ddim', r, (run) => {
    const sde = run.sde;
    const eps = o.eps ?? sde.samplingEps;
    checkEps('ddim', sde, eps);
    const times = sde.name === 'ddpm' ? ddpmTimes(sde, r.steps, r.timestepSpacing) : solverGrid(sde, r.steps, eps, r.spacing);
    const end = times[times.length - 1];
    return {
      total: r.steps,
      start: () => ({ state: run.initial(() => sde.priorSample(run.shape, run.rng)), t: times[0] }),
      step(i, { state: x }) {
        const t = times[i];
        const s = times[i + 1];
        const st = sde.sigma(t);
        const as = sde.alpha(s);
        const ss = sde.sigma(s);
        const p = run.predict(x, t);
        const x0 = p.x0;
        const a = sde.alpha(t) / as;
        const c = r.eta * Math.sqrt(Math.max(((ss * ss) / (st * st)) * (st * st - a * a * ss * ss), 0));
        const out = tf.add(tf.mul(x0, as), tf.mul(p.eps, Math.sqrt(Math.max(ss * ss - c * c, 0))));
        return { state: c > 0 ? tf.add(out, tf.mul(run.rng.normal(x.shape), c)) : out, t: s, x0 };
      },
      // DDIM's final jump to ᾱ = 1 on a continuous SDE: x̂₀ at eps, one more evaluation (the DDPM grids end there).
      finish: ({ state: x }) => (run.denoise(false) && end > 0 ? { x: tf.tidy(() => tf.keep(run.predict(x, end).x0)), t: 0 } : { x, t: end }),
    };
  });
}

// diffusers DDIMScheduler.set_timesteps: integer steps k of the N-step chain at times (k + 1)/N, then t = 0 (ᾱ = 1).
function ddpmTimes(sde: Sde, steps: number, spacing: DdimTimestepSpacing): number[] {
  const N = sde.N;
  if (steps > N) throw new Error(`ddim: ${steps} steps do not fit on the ${N}-step DDPM chain; use at most ${N}`);
  let ks: number[];
  if (spacing === 'leading') {
    const ratio = Math.floor(N / steps);
    ks = Array.from({ length: steps }, (_, k) => (steps - 1 - k) * ratio);
  } else if (spacing === 'trailing') {
    ks = Array.from({ length: steps }, (_, k) => Math.round(N - (k * N) / steps) - 1);
  } else {
    ks = Array.from({ length: steps }, (_, k) => Math.round(steps === 1 ? N - 1 : ((N - 1) * (steps - 1 - k)) / (steps - 1)));
  }
  return [...ks.map((k) => (k + 1) / N), 0];
}
