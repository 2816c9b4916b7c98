import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';

/** Options of {@link dequantize}. */
export interface DequantizeOptions {
  /** Output range: `'minus-one-one'` (default, offset 7) or `'zero-one'` (offset 8). */
  readonly range?: 'minus-one-one' | 'zero-one';
}

/**
 * Uniform dequantisation of 8-bit pixels for likelihoods (score_sde run_lib.py: (255·x + u)/256 with x = k/255,
 * i.e. (k + u)/256, u ~ U[0, 1)), then scaled to the model's range. Returns the continuous data and the
 * bits/dim offset that makes its density a discrete likelihood ({@link bitsPerDim}): 7 for [−1, 1], 8 for [0, 1].
 *
 * @example
 * const { x, offset } = dequantize(pixels, new Rng(0)); // pixels: integers 0…255
 * const { bitsPerDim } = await likelihood(x, { score, sde, seed: 1, bitsPerDimOffset: offset });
 */
export function dequantize(pixels: tf.Tensor, rng: Rng, options: DequantizeOptions = {}): { x: tf.Tensor; offset: number } {
  const range = options.range ?? 'minus-one-one';
  if (range !== 'minus-one-one' && range !== 'zero-one') throw new Error(`dequantize: range must be 'minus-one-one' or 'zero-one'; got ${JSON.stringify(range)}`);
  const values = pixels.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new Error(`dequantize: pixels must be integers in 0…255; element ${i} is ${v}`);
    }
  }
  const x = tf.tidy(() => {
    const y = tf.div(tf.add(tf.cast(pixels, 'float32'), rng.uniform(pixels.shape)), 256);
    return range === 'zero-one' ? y : tf.sub(tf.mul(y, 2), 1);
  });
  return { x, offset: range === 'zero-one' ? 8 : 7 };
}
