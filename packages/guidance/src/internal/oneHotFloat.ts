import * as tf from '@tensorflow/tfjs-core';

/**
 * One-hot rows [n, depth] as float32, built from a comparison: tfjs-backend-wasm 4.22's OneHot kernel writes int32
 * data whatever dtype is asked for, which float ops (select, multiply) then read as denormal floats.
 */
export function oneHotFloat(labels: tf.Tensor, depth: number): tf.Tensor2D {
  return tf.tidy(() => {
    const classes = tf.reshape(tf.range(0, depth, 1, 'int32'), [1, depth]);
    return tf.cast(tf.equal(tf.reshape(labels, [-1, 1]), classes), 'float32') as tf.Tensor2D;
  });
}
