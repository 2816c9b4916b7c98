import * as tf from '@tensorflow/tfjs-core';
import { checkMatrix, checkPositive } from '../internal/check.js';

function check(where: string, patterns: tf.Tensor2D, queries: tf.Tensor2D, beta: number): void {
  checkMatrix(where, 'patterns', patterns.shape);
  checkMatrix(where, 'queries', queries.shape, patterns.shape[1]);
  checkPositive(where, 'beta', beta);
}

/**
 * The modern (dense associative memory) Hopfield update of Ramsauer et al. 2020, "Hopfield networks is all you
 * need", eq. (3): ξ ← Xᵀ softmax(β X ξ) for stored patterns X ([P, d], one per row) and each query ξ (a row of
 * `queries`, [n, d]). It is attention with the patterns as keys and values; one step retrieves a stored pattern
 * when the patterns are well separated relative to 1/β.
 *
 * @example
 * const retrieved = modernHopfieldUpdate(patterns, noisyQueries, 8); // [n, d]
 */
export function modernHopfieldUpdate(patterns: tf.Tensor2D, queries: tf.Tensor2D, beta: number): tf.Tensor2D {
  check('modernHopfieldUpdate', patterns, queries, beta);
  return tf.tidy(() => tf.matMul(tf.softmax(tf.mul(tf.matMul(queries, patterns, false, true), beta)), patterns));
}

/**
 * The energy the modern update descends (Ramsauer et al. 2020, eq. (2)):
 * E(ξ) = −(1/β) log Σ_μ exp(β x_μᵀξ) + ½ ξᵀξ + (1/β) log P + ½ M², M = max_μ ‖x_μ‖, per query ([n]).
 * The update is a concave–convex procedure step on it, so E never increases.
 */
export function modernHopfieldEnergy(patterns: tf.Tensor2D, queries: tf.Tensor2D, beta: number): tf.Tensor1D {
  check('modernHopfieldEnergy', patterns, queries, beta);
  return tf.tidy(() => {
    const lse = tf.div(tf.logSumExp(tf.mul(tf.matMul(queries, patterns, false, true), beta), 1), beta);
    const half = tf.mul(0.5, tf.sum(tf.square(queries), 1));
    const maxNormSq = tf.max(tf.sum(tf.square(patterns), 1));
    const constant = tf.add(Math.log(patterns.shape[0]) / beta, tf.mul(0.5, maxNormSq));
    return tf.add(tf.sub(half, lse), constant) as tf.Tensor1D;
  });
}
