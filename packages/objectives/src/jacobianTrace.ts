import * as tf from '@tensorflow/tfjs-core';
import type { ModelCallOptions } from './DenoiserModel.js';
import type { ScoreFunction } from './ScoreFunction.js';
import { checkData } from './internal/batch.js';
import { scoreAndTrace } from './internal/derivatives.js';

/**
 * The exact divergence tr(∂s/∂x) of a score model at every sample ([n]), by D = size/n backward passes — the term
 * exact (Hyvärinen) score matching needs, and the reference that sliced estimates are checked against. It stays
 * differentiable with respect to the model's weights (second order), so use core's activations in the model.
 * Cost grows linearly with D: meant for low-dimensional data.
 *
 * @example
 * const div = jacobianTrace((x) => mixture.score(x), x); // [n]
 */
export function jacobianTrace(score: ScoreFunction, x: tf.Tensor, options: ModelCallOptions = {}): tf.Tensor {
  checkData(x, 'jacobianTrace', 'x');
  return tf.tidy(() => scoreAndTrace(score, x, options, 'jacobianTrace').trace);
}
