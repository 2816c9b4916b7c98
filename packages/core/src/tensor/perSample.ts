import * as tf from '@tensorflow/tfjs-core';

/**
 * Reshapes a per-sample vector `v` ([n]) to [n, 1, …, 1] so it broadcasts against `like` ([n, …dims]): the way
 * per-sample times, noise levels and step sizes multiply a batch of images or points.
 *
 * @example
 * const xt = tf.add(tf.mul(perSample(alpha, x0), x0), tf.mul(perSample(sigma, x0), noise));
 */
export function perSample(v: tf.Tensor, like: tf.Tensor): tf.Tensor {
  checkPerSample(v, like, 'value');
  return tf.reshape(v, [v.shape[0], ...new Array(like.rank - 1).fill(1)]);
}

/**
 * Throws a clear error unless `v` is a rank-1 tensor with one entry per sample of `like` (its first dimension).
 *
 * @example
 * checkPerSample(t, x, 't'); // "t must have shape [128] (one per sample of x [128,2]); got [1]"
 */
export function checkPerSample(v: tf.Tensor, like: tf.Tensor, name: string): void {
  const n = like.shape[0];
  if (like.rank < 1 || v.rank !== 1 || v.shape[0] !== n) {
    throw new Error(
      `${name} must have shape [${n}] (one per sample of x [${like.shape.join(',')}]); got [${v.shape.join(',')}]`,
    );
  }
}
