import * as tf from '@tensorflow/tfjs-core';
import type { ModelCallOptions } from './DenoiserModel.js';
import type { ScoreFunction } from './ScoreFunction.js';
import { checkData, checkSameShape } from './internal/batch.js';
import { scoreAndSlicedTrace } from './internal/derivatives.js';

/**
 * The sliced (Hutchinson) estimate vᵀ∇ₓ(vᵀs(x)) = vᵀ(∂s/∂x)v of the divergence of a score model, per sample ([n]),
 * for projections v shaped like x — one backward pass whatever the dimension. For projections with E[vvᵀ] = I
 * (Rademacher, standard normal, or uniform on the sphere of radius √D: see {@link sampleProjections}) its mean is
 * the exact trace (ermongroup/sliced_score_matching `losses/sliced_sm.py`, loss2).
 *
 * @example
 * const v = sampleProjections('rademacher', x.shape, rng);
 * const estimate = slicedTrace(score, x, v); // E_v[estimate] = jacobianTrace(score, x)
 */
export function slicedTrace(score: ScoreFunction, x: tf.Tensor, v: tf.Tensor, options: ModelCallOptions = {}): tf.Tensor {
  checkData(x, 'slicedTrace', 'x');
  checkSameShape(x, v, 'slicedTrace', 'x', 'the projections v');
  return tf.tidy(() => scoreAndSlicedTrace(score, x, v, options, 'slicedTrace').term);
}
