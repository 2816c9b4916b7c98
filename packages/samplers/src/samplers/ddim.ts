import * as tf from '@tensorflow/tfjs';
import type { Sde } from '@scorekit/sde';
import type { Sampler } from '../Sampler.js';
import { checkEps, solverGrid, type TimeSpacing } from '../internal/grids.js';
import { defineSampler } from '../internal/defineSampler.js';
import { integerAtLeast, nonNegative, oneOf, positive, readOptions } from '../internal/options.js';

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
}

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
  const o = readOptions<DdimOptions>('ddim', options, {
    steps: integerAtLeast(1),
    eta: nonNegative,
    spacing: oneOf('time', 'logSNR'),
    eps: positive,
  });
  const r = { steps: 50, eta: 0, spacing: 'time', ...o } as const;
  return defineSampler('ddim', r, (run) => {
    const sde = run.sde;
    const eps = o.eps ?? sde.samplingEps;
    checkEps('ddim', sde, eps);
    const times = ddimTimes(sde, r.steps, eps, r.spacing);
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
      // DDIM's final jump to ᾱ = 1: x̂₀ at eps, one more evaluation.
      finish: ({ state: x }) => ({ x: run.denoise(false) ? tf.tidy(() => tf.keep(run.predict(x, eps).x0)) : x, t: eps }),
    };
  });
}

// On the discrete DDPM chain, DDIM strides over integer steps i (t = (i+1)/N): round the grid to them.
function ddimTimes(sde: Sde, steps: number, eps: number, spacing: TimeSpacing): number[] {
  const grid = solverGrid(sde, steps, eps, spacing);
  if (sde.name !== 'ddpm' || spacing !== 'time') return grid;
  const snapped = grid.map((t) => Math.max(Math.round(t * sde.N), 1) / sde.N);
  if (new Set(snapped).size !== snapped.length) {
    throw new Error(`ddim: ${steps} steps do not fit between eps = ${eps} and T on the ${sde.N}-step DDPM chain; use at most ${Math.round((sde.T - eps) * sde.N)}`);
  }
  return snapped;
}
