import type * as tf from '@tensorflow/tfjs-core';

/**
 * A training batch: the data x ([n, ...dims], float32) alone, or with per-sample class labels that are passed on
 * to the model.
 *
 * @example
 * dsmLoss(score, x, rng);                       // a bare tensor
 * ddpmLoss(model, { x, labels }, rng);          // class-conditional
 */
export type ObjectiveBatch = tf.Tensor | { readonly x: tf.Tensor; readonly labels?: tf.Tensor };
