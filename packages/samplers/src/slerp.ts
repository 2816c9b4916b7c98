import * as tf from '@tensorflow/tfjs-core';

/**
 * Spherical linear interpolation between two batches of latents, per sample: with θ the angle between z₀ and z₁
 * (flattened), slerp(λ) = sin((1−λ)θ)/sin θ·z₀ + sin(λθ)/sin θ·z₁ (Shoemake 1985; the interpolation the DDIM
 * and score_sde papers use between Gaussian latents, which keeps ‖z‖ typical). Falls back to linear when
 * z₀ ∥ z₁. λ = 0 gives z₀ and λ = 1 gives z₁.
 *
 * @example
 * const mid = slerp(z0, z1, 0.5);
 */
export function slerp(z0: tf.Tensor, z1: tf.Tensor, lambda: number): tf.Tensor {
  if (!(z0 instanceof tf.Tensor) || !(z1 instanceof tf.Tensor) || z0.shape.join(',') !== z1.shape.join(',') || z0.rank < 1) {
    throw new Error(`slerp: z0 and z1 must be tensors of the same shape [n, ...]; got [${z0?.shape}] and [${z1?.shape}]`);
  }
  if (!Number.isFinite(lambda)) throw new Error(`slerp: lambda must be a finite number (0 → z0, 1 → z1); got ${lambda}`);
  return tf.tidy(() => {
    const n = z0.shape[0];
    const a = tf.reshape(z0, [n, -1]);
    const b = tf.reshape(z1, [n, -1]);
    const cos = tf.div(tf.sum(tf.mul(a, b), 1, true), tf.mul(tf.norm(a, 'euclidean', 1, true), tf.norm(b, 'euclidean', 1, true)));
    const theta = tf.acos(tf.clipByValue(cos, -1, 1));
    const sinTheta = tf.sin(theta);
    const small = tf.less(sinTheta, 1e-6);
    const safeSin = tf.where(small, tf.onesLike(sinTheta), sinTheta);
    const wa = tf.where(small, tf.fill(sinTheta.shape, 1 - lambda), tf.div(tf.sin(tf.mul(theta, 1 - lambda)), safeSin));
    const wb = tf.where(small, tf.fill(sinTheta.shape, lambda), tf.div(tf.sin(tf.mul(theta, lambda)), safeSin));
    return tf.reshape(tf.add(tf.mul(a, wa), tf.mul(b, wb)), z0.shape);
  });
}
