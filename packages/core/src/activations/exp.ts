import * as tf from '@tensorflow/tfjs-core';
import { unaryWithInputGrad } from '../internal/unaryWithInputGrad.js';

/**
 * eˣ with derivatives of every order correct (tfjs's `tf.exp` is wrong from the second derivative on).
 *
 * @example
 * const sigma = exp(logSigma);
 */
export const exp: (x: tf.Tensor) => tf.Tensor = unaryWithInputGrad(tf.exp, (x) => exp(x));
