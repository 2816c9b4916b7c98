import * as tf from '@tensorflow/tfjs-core';
import type { Reduction } from '../Reduction.js';

/** Per-sample reduction of the squared residual r ([n, ...dims] → [n]): ½Σr² ('sum') or mean r² ('mean'). */
export function reduceSquares(r: tf.Tensor, reduce: Reduction): tf.Tensor {
  return tf.tidy(() => {
    const flat = tf.reshape(tf.square(r), [r.shape[0], -1]);
    return reduce === 'sum' ? tf.mul(tf.sum(flat, 1), 0.5) : tf.mean(flat, 1);
  });
}

/** Σ over the data dimensions of a ⊙ b, per sample ([n, ...dims] → [n]). */
export function perSampleDot(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.reshape(tf.mul(a, b), [a.shape[0], -1]), 1));
}
