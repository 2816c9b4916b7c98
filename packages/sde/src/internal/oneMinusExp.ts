import * as tf from '@tensorflow/tfjs';

/**
 * 1 − eᵘ for u ≤ 0, accurate near 0 where the plain difference cancels (σ(t)² = 1 − e^{2·lmc} for small t).
 * tfjs has no expm1; below |u| < 1e-3 a three-term series is exact to float32 precision.
 */
export function oneMinusExp(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const series = tf.neg(tf.mul(u, tf.add(1, tf.mul(tf.div(u, 2), tf.add(1, tf.div(u, 3))))));
    return tf.where(tf.less(tf.abs(u), 1e-3), series, tf.sub(1, tf.exp(u)));
  });
}
