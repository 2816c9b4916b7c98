import * as tf from '@tensorflow/tfjs-core';
import { checkPositive } from '../internal/check.js';
import type { EnergyFunction } from './EnergyFunction.js';

/**
 * The contrastive-divergence loss of a deep EBM (Du & Mordatch 2019, eq. (2) and §3.4):
 * mean E(x⁺) − mean E(x⁻) + α(mean E(x⁺)² + mean E(x⁻)²), with x⁺ data and x⁻ model samples (plain tensors, so no
 * gradient flows through the sampler). Its parameter gradient is the maximum-likelihood gradient
 * E_data[∇θE] − E_model[∇θE] when x⁻ ~ p_θ; the α term keeps energies near 0.
 *
 * @example
 * const loss = contrastiveEnergyLoss(energy, batch, negatives, 1);
 */
export function contrastiveEnergyLoss(
  energy: EnergyFunction,
  positives: tf.Tensor,
  negatives: tf.Tensor,
  regularization = 0,
): tf.Scalar {
  checkPositive('contrastiveEnergyLoss', 'regularization', regularization, true);
  const dims = (t: tf.Tensor) => t.shape.slice(1).join(', ');
  if (dims(positives) !== dims(negatives)) {
    throw new Error(`contrastiveEnergyLoss: positives [n, ${dims(positives)}] and negatives [m, ${dims(negatives)}] must have the same sample shape`);
  }
  return tf.tidy(() => {
    const ePos = energy(positives);
    const eNeg = energy(negatives);
    const loss = tf.sub(tf.mean(ePos), tf.mean(eNeg));
    if (regularization === 0) return loss as tf.Scalar;
    return tf.add(loss, tf.mul(regularization, tf.add(tf.mean(tf.square(ePos)), tf.mean(tf.square(eNeg))))) as tf.Scalar;
  });
}
