import * as tf from '@tensorflow/tfjs-core';
import { checkMatrix } from '../internal/check.js';

/**
 * Hebb's rule for a Hopfield network: W = (1/N) Σ_μ ξ^μ ξ^μᵀ with the diagonal set to zero (no self-connections),
 * for P patterns ξ^μ ∈ {−1, +1}^N given as the rows of a [P, N] tensor. Returns the symmetric [N, N] weights.
 * (Hopfield 1982; Amit, Gutfreund & Sompolinsky 1985 give its capacity P ≈ 0.138 N.)
 *
 * @example
 * const w = hebbianWeights(tf.tensor2d([[1, -1, 1, -1], [1, 1, -1, -1]]));
 */
export function hebbianWeights(patterns: tf.Tensor2D): tf.Tensor2D {
  checkMatrix('hebbianWeights', 'patterns', patterns.shape);
  const values = patterns.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 1 && values[i] !== -1) {
      throw new Error(`hebbianWeights: patterns must hold only −1 and +1, got ${values[i]} at flat index ${i}`);
    }
  }
  const n = patterns.shape[1];
  return tf.tidy(() => {
    const outer = tf.div(tf.matMul(patterns, patterns, true, false), n);
    return tf.mul(outer, tf.sub(1, tf.eye(n))) as tf.Tensor2D;
  });
}
