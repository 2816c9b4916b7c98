import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '@scorekit/core';
import type { Rbm } from './Rbm.js';

/** The largest layer {@link rbmLogPartition} enumerates (2^24 ≈ 1.7·10⁷ states). */
export const MAX_ENUMERATED_UNITS = 24;

// Rows enumerated per block, so that memory stays at BLOCK × (V + H) floats whatever the layer size.
const BLOCK_BITS = 12;

/**
 * The exact log partition function log Z of a small RBM, by summing over every state of its smaller layer:
 * log Z = logsumexp_h [cᵀh + Σᵢ softplus(bᵢ + Wᵢ₋h)] when H ≤ V, else logsumexp_v [−F(v)]. Built from tfjs ops, so
 * it is differentiable in the parameters ({@link rbmExactGradients} uses that); enumerated in blocks of 4096 states.
 * Throws when the smaller layer has more than {@link MAX_ENUMERATED_UNITS} units (use AIS then).
 *
 * @example
 * const logZ = rbmLogPartition(rbm); // scalar
 */
export function rbmLogPartition(rbm: Rbm): tf.Scalar {
  const hiddenSide = rbm.hiddenUnits <= rbm.visibleUnits;
  const bits = hiddenSide ? rbm.hiddenUnits : rbm.visibleUnits;
  if (bits > MAX_ENUMERATED_UNITS) {
    throw new Error(
      `rbmLogPartition: the smaller layer has ${bits} units; exact enumeration allows at most ${MAX_ENUMERATED_UNITS} ` +
        `(2^${MAX_ENUMERATED_UNITS} states): estimate log Z with annealedImportanceSampling instead`,
    );
  }
  return tf.tidy(() => {
    const blockBits = Math.min(bits, BLOCK_BITS);
    const blocks = 2 ** (bits - blockBits);
    const low = lowBits(blockBits, bits);
    const parts: tf.Tensor[] = [];
    for (let block = 0; block < blocks; block++) {
      const states = tf.add(low, highBits(block, blockBits, bits)) as tf.Tensor2D;
      parts.push(tf.logSumExp(hiddenSide ? unnormalisedLogMarginalOfHidden(rbm, states) : tf.neg(rbm.freeEnergy(states))));
    }
    return tf.logSumExp(tf.stack(parts)) as tf.Scalar;
  });
}

/** log p*(h) = cᵀh + Σᵢ softplus(bᵢ + Wᵢ₋h), [n]: the visible layer summed out. */
function unnormalisedLogMarginalOfHidden(rbm: Rbm, h: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const linear = tf.sum(tf.mul(h, rbm.hiddenBias), 1);
    return tf.add(linear, tf.sum(softplus(tf.add(tf.matMul(h, rbm.weights, false, true), rbm.visibleBias)), 1)) as tf.Tensor1D;
  });
}

/** [2^blockBits, bits]: every pattern of the last blockBits digits, the others 0. */
function lowBits(blockBits: number, bits: number): tf.Tensor2D {
  const rows = 2 ** blockBits;
  const values = new Float32Array(rows * bits);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < blockBits; j++) values[r * bits + bits - blockBits + j] = (r >> (blockBits - 1 - j)) & 1;
  }
  return tf.tensor2d(values, [rows, bits]);
}

/** [bits]: block's digits in the leading bits − blockBits places, the rest 0 (broadcast over rows). */
function highBits(block: number, blockBits: number, bits: number): tf.Tensor1D {
  const high = bits - blockBits;
  const values = new Float32Array(bits);
  for (let j = 0; j < high; j++) values[j] = (block >> (high - 1 - j)) & 1;
  return tf.tensor1d(values);
}
