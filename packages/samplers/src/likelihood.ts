import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import type { ScoreFn, Sde } from '@scorekit/sde';
import { bitsPerDim } from './bitsPerDim.js';
import { divergence, drawProbe, type HutchinsonProbe } from './divergence.js';
import { checkSde, countingScore, readSolveOptions, solveOde, type OdeSolveOptions } from './internal/odeTransform.js';
import { oneOf } from './internal/options.js';

/** Options of {@link likelihood}. */
export interface LikelihoodOptions extends OdeSolveOptions {
  readonly score: ScoreFn;
  readonly sde: Sde;
  /** `'exact'` (d backward passes folded into one), `'hutchinson'`, or `'auto'` (default: exact for d ≤ 16). */
  readonly estimator?: 'exact' | 'hutchinson' | 'auto';
  /** Hutchinson probe: `'rademacher'` (default, score_sde) or `'gaussian'`; one probe per sample for the whole solve. */
  readonly probe?: HutchinsonProbe;
  /** Seed of the probes (required with the Hutchinson estimator; give this or `rng`). */
  readonly seed?: number;
  readonly rng?: Rng;
  /** Added to bits/dim: 7 for dequantised data in [−1, 1], 8 for [0, 1], 0 (default) for continuous data. */
  readonly bitsPerDimOffset?: number;
}

/** Per-sample results of {@link likelihood}; the caller owns every tensor. */
export interface LikelihoodResult {
  /** log p(x) in nats, [n]. */
  readonly logp: tf.Tensor1D;
  /** −log p/(D ln 2) + offset, [n]. */
  readonly bitsPerDim: tf.Tensor1D;
  /** log p_T of the latent. */
  readonly priorLogp: tf.Tensor1D;
  /** ∫ ∇·f̃ dt from eps to T. */
  readonly deltaLogp: tf.Tensor1D;
  /** The latent x(T). */
  readonly latents: tf.Tensor;
  /** Score evaluations. */
  readonly nfe: number;
}

/**
 * The exact log-likelihood of a score model through the probability-flow ODE (Song et al. 2021, §4.3, app. D.2;
 * score_sde likelihood.py): integrate [x, Δ] with dx/dt = f̃ = f(t)x − ½g²s and dΔ/dt = ∇·f̃ = f(t)·D − ½g²∇·s
 * from eps (default 1e-5, score_sde) to T with RK45 (rtol = atol = 1e-5), then log p(x) = log p_T(x(T)) + Δ(T).
 * ∇·s is exact for small d or Hutchinson–Skilling with one fixed probe per sample. Bits/dim as score_sde:
 * −log p/(D ln 2) + offset.
 *
 * @example
 * const { logp, nfe } = await likelihood(x, { score: mixture.scoreFn(sde), sde });        // 2D: exact divergence
 * const r = await likelihood(images, { score, sde, seed: 0, bitsPerDimOffset: 7 });      // Hutchinson
 */
export async function likelihood(x: tf.Tensor, options: LikelihoodOptions): Promise<LikelihoodResult> {
  const { score, sde, estimator: est, probe: probeKind, seed, rng: givenRng, bitsPerDimOffset, ...rest } = options ?? ({} as LikelihoodOptions);
  const solve = readSolveOptions<OdeSolveOptions>('likelihood', rest);
  const eps = solve.eps ?? 1e-5;
  checkSde('likelihood', sde, eps);
  if (!(x instanceof tf.Tensor) || x.rank < 2) throw new Error('likelihood: x must be a tensor [n, ...dims]');
  const n = x.shape[0];
  const D = x.size / n;
  const estimator = est ?? 'auto';
  if (!oneOf('exact', 'hutchinson', 'auto').ok(estimator)) throw new Error(`likelihood: estimator must be 'exact', 'hutchinson' or 'auto'; got ${JSON.stringify(est)}`);
  const exact = estimator === 'exact' || (estimator === 'auto' && D <= 16);
  const offset = bitsPerDimOffset ?? 0;
  if (!Number.isFinite(offset)) throw new Error(`likelihood: bitsPerDimOffset must be a finite number; got ${bitsPerDimOffset}`);
  let probe: tf.Tensor | null = null;
  if (!exact) {
    if ((seed == null) === (givenRng == null)) throw new Error('likelihood: the Hutchinson estimator needs exactly one of seed or rng (its probes are random)');
    probe = drawProbe(probeKind ?? 'rademacher', [...x.shape], givenRng ?? new Rng(seed!));
  }
  const counted = countingScore(score);
  const shape = x.shape;
  // dy/dt for y = [x flattened | Δ], [n, D + 1].
  const F = (t: number, y: tf.Tensor) =>
    tf.tidy(() => {
      const state = tf.reshape(tf.slice(y, [0, 0], [n, D]), shape);
      // The exact estimator tiles the batch d times, so the times are made per call.
      const { value, output } = divergence((v) => counted.score(v, tf.fill([v.shape[0]], t)), state, exact ? { estimator: 'exact' } : { estimator: 'hutchinson', probe: probe! });
      const f = sde.driftRate(t);
      const g2 = sde.diffusion(t) ** 2;
      const drift = tf.sub(tf.mul(state, f), tf.mul(output, 0.5 * g2));
      const div = tf.sub(f * D, tf.mul(value, 0.5 * g2));
      output.dispose();
      return tf.concat([tf.reshape(drift, [n, D]), tf.reshape(div, [n, 1])], 1);
    });
  const y0 = tf.tidy(() => tf.concat([tf.reshape(x, [n, D]), tf.zeros([n, 1])], 1));
  let yT: tf.Tensor;
  try {
    yT = await solveOde('likelihood', F, y0, eps, sde.T, sde, { ...solve, eps });
  } finally {
    y0.dispose();
    probe?.dispose();
  }
  const latents = tf.tidy(() => tf.reshape(tf.slice(yT, [0, 0], [n, D]), shape));
  const deltaLogp = tf.tidy(() => tf.reshape(tf.slice(yT, [0, D], [n, 1]), [n]) as tf.Tensor1D);
  yT.dispose();
  const priorLogp = sde.priorLogp(latents) as tf.Tensor1D;
  const logp = tf.add(priorLogp, deltaLogp) as tf.Tensor1D;
  return { logp, bitsPerDim: bitsPerDim(logp, D, offset), priorLogp, deltaLogp, latents, nfe: counted.count() };
}
