import * as tf from '@tensorflow/tfjs-core';
import { checkMatrix } from '../internal/check.js';
import type { Rbm, RbmGradients } from './Rbm.js';
import { rbmLogPartition } from './rbmLogPartition.js';

/**
 * The exact mean log-likelihood (1/n) Σ log p(vₙ) = −mean F(v) − log Z of binary data v ([n, V]) under a small RBM
 * (nats per example), through {@link rbmLogPartition}. Differentiable in the parameters.
 *
 * @example
 * const ll = rbmExactLogLikelihood(rbm, data).dataSync()[0];
 */
export function rbmExactLogLikelihood(rbm: Rbm, data: tf.Tensor2D): tf.Scalar {
  checkMatrix('rbmExactLogLikelihood', 'data', data.shape, rbm.visibleUnits);
  return tf.tidy(() => tf.sub(tf.neg(tf.mean(rbm.freeEnergy(data))), rbmLogPartition(rbm)) as tf.Scalar);
}

/**
 * The exact gradient of {@link rbmExactLogLikelihood} with respect to W, b and c — the data statistics minus the
 * model's, ⟨vhᵀ⟩_data − ⟨vhᵀ⟩_model for W — by automatic differentiation through the enumeration. The reference
 * against which contrastive divergence's biased estimates are tested.
 */
export function rbmExactGradients(rbm: Rbm, data: tf.Tensor2D): RbmGradients {
  checkMatrix('rbmExactGradients', 'data', data.shape, rbm.visibleUnits);
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => rbmExactLogLikelihood(rbm, data), rbm.variables());
    value.dispose();
    return {
      weights: grads[rbm.weights.name] as tf.Tensor2D,
      visibleBias: grads[rbm.visibleBias.name] as tf.Tensor1D,
      hiddenBias: grads[rbm.hiddenBias.name] as tf.Tensor1D,
    };
  });
}
