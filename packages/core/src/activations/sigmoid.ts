import * as tf from '@tensorflow/tfjs-core';
import { unaryWithInputGrad } from '../internal/unaryWithInputGrad.js';

/**
 * Logistic sigmoid 1/(1+e^{−x}) whose derivatives of every order are correct (tfjs's own `tf.sigmoid` is wrong
 * from the second derivative on). Use it wherever a loss differentiates through the network twice: exact and
 * sliced score matching, Hutchinson trace estimates, energy models.
 *
 * @example
 * const d2 = tf.grad(tf.grad((x) => sigmoid(x)))(tf.scalar(0.5)); // σ''(0.5)
 */
export const sigmoid: (x: tf.Tensor) => tf.Tensor = unaryWithInputGrad(tf.sigmoid, (x) => {
  const s = sigmoid(x);
  return tf.mul(s, tf.sub(1, s));
});
