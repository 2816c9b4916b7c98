import * as tf from '@tensorflow/tfjs';
import type { Sde } from '@scorekit/sde';
import type { Sampler } from '../Sampler.js';
import { checkEps, solverGrid, type TimeSpacing } from '../internal/grids.js';
import { makeSampler } from '../internal/makeSampler.js';
import { integerAtLeast, nonNegative, oneOf, positive, readOptions } from '../internal/options.js';
import { tweedie } from '../internal/probabilityFlow.js';

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
  return makeSampler('ddim', r, () => r.steps, async (run) => {
    const sde = run.sde;
    const eps = o.eps ?? sde.samplingEps;
    checkEps('ddim', sde, eps);
    const times = ddimTimes(sde, r.steps, eps, r.spacing);
    let x = run.initial(() => sde.priorSample(run.shape, run.rng));
    run.record(0, times[0], x);
    for (let i = 0; i < r.steps; i++) {
      await run.checkpoint(i, times[i], [x]);
      const t = times[i];
      const s = times[i + 1];
      const next = tf.tidy(() => {
        const at = sde.alpha(t);
        const st = sde.sigma(t);
        const as = sde.alpha(s);
        const ss = sde.sigma(s);
        const score = run.score(x, run.times(t));
        const x0 = tf.div(tf.add(x, tf.mul(score, st * st)), at);
        const epsHat = tf.mul(score, -st);
        const a = at / as;
        const c = r.eta * Math.sqrt(Math.max(((ss * ss) / (st * st)) * (st * st - a * a * ss * ss), 0));
        const out = tf.add(tf.mul(x0, as), tf.mul(epsHat, Math.sqrt(Math.max(ss * ss - c * c, 0))));
        return c > 0 ? tf.add(out, tf.mul(run.rng.normal(x.shape), c)) : out;
      });
      x.dispose();
      x = next;
      run.stepDone(i, s, x);
    }
    if (run.denoise(false)) {
      const d = tweedie(sde, run.score, x, eps);
      x.dispose();
      x = d;
    }
    return run.finish(x, r.steps, eps);
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
