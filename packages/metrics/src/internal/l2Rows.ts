import * as tf from '@tensorflow/tfjs-core';

/** Each row divided by its L2 norm (ε = 1e-12 under the root keeps zero rows finite); differentiable. */
export function l2Rows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12)));
}
