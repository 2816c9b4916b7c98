import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';

/** How {@link divergence} computes ∇·f: exactly (one probe per coordinate) or by Hutchinson–Skilling. */
export type DivergenceEstimator = 'exact' | 'hutchinson';
/** Hutchinson probe distribution: Rademacher ±1 (score_sde's default, lower variance) or standard Gaussian. */
export type HutchinsonProbe = 'rademacher' | 'gaussian';

/** Options of {@link divergence}. */
export interface DivergenceOptions {
  readonly estimator: DivergenceEstimator;
  /** For Hutchinson: the probe ε (shaped like x), or a distribution and an rng to draw one. */
  readonly probe?: tf.Tensor | HutchinsonProbe;
  readonly rng?: Rng;
}

/**
 * The divergence ∇ₓ·f(x) of a per-sample vector field f ([n, ...] → [n, ...]), per sample, and f(x) itself.
 * `'exact'` sums eᵢᵀ∇(f·eᵢ) over the d coordinates in one backward pass on a d-fold tiled batch (for small d);
 * `'hutchinson'` is the unbiased Hutchinson–Skilling estimate εᵀ∇(f·ε) with E[εεᵀ] = I (Hutchinson 1989;
 * Skilling 1989; score_sde likelihood.py get_div_fn). tfjs has no forward mode: εᵀJε = sum(ε ⊙ ∇ₓ(f·ε)).
 * The caller owns both tensors.
 *
 * @example
 * const { value, output } = divergence((x) => score(x, t), x, { estimator: 'exact' });
 */
export function divergence(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, options: DivergenceOptions): { value: tf.Tensor1D; output: tf.Tensor } {
  const n = x.shape[0];
  const d = x.size / n;
  if (options.estimator === 'exact') {
    let output: tf.Tensor | null = null;
    const value = tf.tidy(() => {
      const tiled = tf.reshape(tf.tile(tf.reshape(x, [1, n, d]), [d, 1, 1]), [d * n, ...x.shape.slice(1)]);
      const eye = tf.reshape(tf.tile(tf.reshape(tf.eye(d), [d, 1, d]), [1, n, 1]), tiled.shape);
      const g = tf.grad((xs: tf.Tensor) => {
        const out = f(xs);
        output = tf.keep(tf.reshape(tf.slice(tf.reshape(out, [d, n, d]), [0, 0, 0], [1, n, d]), x.shape));
        return tf.sum(tf.mul(out, eye));
      })(tiled);
      return tf.sum(tf.reshape(tf.mul(g, eye), [d, n, d]), [0, 2]) as tf.Tensor1D;
    });
    return { value, output: output! };
  }
  if (options.estimator !== 'hutchinson') throw new Error(`divergence: estimator must be 'exact' or 'hutchinson'; got ${JSON.stringify(options.estimator)}`);
  const probe = options.probe ?? 'rademacher';
  if (!(probe instanceof tf.Tensor) && options.rng == null) throw new Error('divergence: the Hutchinson estimator needs a probe tensor or an rng to draw one');
  if (probe instanceof tf.Tensor && probe.shape.join(',') !== x.shape.join(',')) {
    throw new Error(`divergence: the probe must be shaped like x [${x.shape.join(',')}]; got [${probe.shape.join(',')}]`);
  }
  let output: tf.Tensor | null = null;
  const value = tf.tidy(() => {
    const eps = probe instanceof tf.Tensor ? probe : drawProbe(probe, x.shape, options.rng!);
    const g = tf.grad((xv: tf.Tensor) => {
      const out = f(xv);
      output = tf.keep(tf.clone(out));
      return tf.sum(tf.mul(out, eps));
    })(x);
    return tf.sum(tf.reshape(tf.mul(g, eps), [n, d]), 1) as tf.Tensor1D;
  });
  return { value, output: output! };
}

/** A Hutchinson probe: ±1 with equal probability, or N(0, 1). */
export function drawProbe(kind: HutchinsonProbe, shape: number[], rng: Rng): tf.Tensor {
  if (kind === 'rademacher') return rng.rademacher(shape);
  if (kind === 'gaussian') return rng.normal(shape);
  throw new Error(`Hutchinson probe must be 'rademacher' or 'gaussian'; got ${JSON.stringify(kind)}`);
}
