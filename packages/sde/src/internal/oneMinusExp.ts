import * as tf from '@tensorflow/tfjs-core';

// Below |u| < 0.1 the Taylor series of 1 − eᵘ to u⁹ is exact to float32 (remainder |u|¹⁰/10! < 3e-17, relative
// to |u| ≥ … 3e-16); above, 1 − eᵘ ≥ 0.095 and the direct difference loses at most 6e-8 absolute.
const SERIES_LIMIT = 0.1;
const TERMS = 9;

/**
 * 1 − eᵘ for u ≤ 0, accurate near 0 where the plain difference cancels (σ(t)² = 1 − e^{2·lmc} for small t).
 * tfjs has no expm1. A switch to the direct form at |u| = 1e-3 lost up to 1.2e-5 relative in σ near t ≈ 0.006 on
 * VP (float32 e^u carries 6e-8 absolute error against a difference of ~1e-3); the series now runs to |u| = 0.1.
 */
export function oneMinusExp(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // −(u + u²/2! + … + u⁹/9!) by Horner: u·(1 + u/2·(1 + u/3·(1 + …))).
    let inner: tf.Tensor = tf.onesLike(u);
    for (let k = TERMS; k >= 2; k--) inner = tf.add(1, tf.mul(tf.div(u, k), inner));
    const series = tf.neg(tf.mul(u, inner));
    return tf.where(tf.less(tf.abs(u), SERIES_LIMIT), series, tf.sub(1, tf.exp(u)));
  });
}
