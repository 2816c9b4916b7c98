import * as tf from '@tensorflow/tfjs-core';

/**
 * Bits per dimension from a log-likelihood in nats: −log p/(D·ln 2) + offset (score_sde likelihood.py). With
 * data dequantised from 8-bit pixels, the offset turns a continuous density into the discrete model's bits: 7
 * for data in [−1, 1], 8 for [0, 1] (log₂ 256 minus log₂ of the scale); see {@link dequantize}.
 *
 * @example
 * bitsPerDim(logp, 32 * 32 * 3, 7); // CIFAR-10 in [−1, 1]
 */
export function bitsPerDim(logp: tf.Tensor, dims: number, offset = 0): tf.Tensor1D {
  if (!Number.isInteger(dims) || dims < 1) throw new Error(`bitsPerDim: dims must be a positive integer (values per sample); got ${dims}`);
  if (!Number.isFinite(offset)) throw new Error(`bitsPerDim: offset must be a finite number; got ${offset}`);
  if (logp.rank !== 1) throw new Error(`bitsPerDim: logp must be per sample, [n]; got [${logp.shape.join(',')}]`);
  return tf.tidy(() => tf.add(tf.div(logp, -dims * Math.LN2), offset) as tf.Tensor1D);
}
