import * as tf from '@tensorflow/tfjs';
import { perSample } from '@scorekit/core';

/** What a network's raw output stands for. */
export type PredictionKind = 'score' | 'eps' | 'x0' | 'v';
/** The names `predictionsFrom` accepts. */
export const PREDICTION_KINDS: readonly PredictionKind[] = ['score', 'eps', 'x0', 'v'];

/** One prediction expressed in every parameterisation. */
export interface Predictions {
  /** ∇ₓ log p_t(x). */
  readonly score: tf.Tensor;
  /** The noise ε in x = α·x₀ + σ·ε. */
  readonly eps: tf.Tensor;
  /** The clean data x₀ (the denoiser's output). */
  readonly x0: tf.Tensor;
  /** The velocity v = α·ε − σ·x₀ (Salimans & Ho 2022). */
  readonly v: tf.Tensor;
}

/**
 * Converts a prediction of one kind into all four, for x = α·x₀ + σ·ε with per-sample α, σ ([n]). Tweedie's
 * formula links them: score = −ε/σ and x₀ = (x + σ²·score)/α. For v = α·ε − σ·x₀ (exact for any α, σ):
 * x₀ = (α·x − σ·v)/(α² + σ²), ε = (σ·x + α·v)/(α² + σ²) — on the VP SDE α² + σ² = 1.
 *
 * @example
 * const { score, x0 } = predictionsFrom('eps', epsHat, x, alpha, sigma);
 */
export function predictionsFrom(
  kind: PredictionKind,
  raw: tf.Tensor,
  x: tf.Tensor,
  alpha: tf.Tensor,
  sigma: tf.Tensor,
): Predictions {
  if (!PREDICTION_KINDS.includes(kind)) {
    throw new Error(`Unknown prediction kind '${String(kind)}'. Allowed: ${PREDICTION_KINDS.join(', ')}`);
  }
  if (raw.shape.join(',') !== x.shape.join(',')) {
    throw new Error(`A '${kind}' prediction must be shaped like x [${x.shape.join(',')}]; got [${raw.shape.join(',')}]`);
  }
  return tf.tidy(() => {
    const a = perSample(alpha, x);
    const s = perSample(sigma, x);
    let eps: tf.Tensor;
    let x0: tf.Tensor;
    if (kind === 'eps') {
      eps = raw;
      x0 = tf.div(tf.sub(x, tf.mul(s, raw)), a);
    } else if (kind === 'x0') {
      x0 = raw;
      eps = tf.div(tf.sub(x, tf.mul(a, raw)), s);
    } else if (kind === 'score') {
      eps = tf.neg(tf.mul(s, raw));
      x0 = tf.div(tf.add(x, tf.mul(tf.square(s), raw)), a);
    } else {
      const norm = tf.add(tf.square(a), tf.square(s));
      x0 = tf.div(tf.sub(tf.mul(a, x), tf.mul(s, raw)), norm);
      eps = tf.div(tf.add(tf.mul(s, x), tf.mul(a, raw)), norm);
    }
    const score = kind === 'score' ? raw : tf.neg(tf.div(eps, s));
    const v = kind === 'v' ? raw : tf.sub(tf.mul(a, eps), tf.mul(s, x0));
    return { score, eps, x0, v };
  });
}
