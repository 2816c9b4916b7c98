import * as tf from '@tensorflow/tfjs-core';
import { unaryWithInputGrad } from '../internal/unaryWithInputGrad.js';

/**
 * Hyperbolic tangent with derivatives of every order correct (tfjs's `tf.tanh` is wrong from the second on).
 *
 * @example
 * const e = tf.sum(tanh(x));
 */
export const tanh: (x: tf.Tensor) => tf.Tensor = unaryWithInputGrad(tf.tanh, (x) => tf.sub(1, tf.square(tanh(x))));
