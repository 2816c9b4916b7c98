import * as tf from '@tensorflow/tfjs-core';
import { unaryWithInputGrad } from '../internal/unaryWithInputGrad.js';
import { sigmoid } from './sigmoid.js';

/**
 * Softplus log(1+eˣ), numerically stable, with derivatives of every order correct.
 *
 * @example
 * const positive = softplus(rawScale);
 */
export const softplus: (x: tf.Tensor) => tf.Tensor = unaryWithInputGrad(tf.softplus, sigmoid);
