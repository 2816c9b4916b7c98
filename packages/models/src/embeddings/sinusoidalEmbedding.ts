import * as tf from '@tensorflow/tfjs-core';

/**
 * The transformer/DDPM sinusoidal embedding of a per-sample scalar c ([n]) into [n, dim]: [sin(c·ωᵢ), cos(c·ωᵢ)]
 * with ωᵢ = exp(−ln(maxPositions)·i/(dim/2 − 1)), zero-padded when `dim` is odd
 * (score_sde models/layers.py get_timestep_embedding).
 *
 * @example
 * const temb = sinusoidalEmbedding(tf.mul(t, 999), 64); // [n, 64]
 */
export function sinusoidalEmbedding(c: tf.Tensor, dim: number, maxPositions = 10000): tf.Tensor {
  if (c.rank !== 1) throw new Error(`sinusoidalEmbedding: c must have shape [n], got [${c.shape.join(',')}]`);
  if (!Number.isInteger(dim) || dim < 4) throw new Error(`sinusoidalEmbedding: dim must be an integer ≥ 4, got ${dim}`);
  const half = Math.floor(dim / 2);
  const step = Math.log(maxPositions) / (half - 1);
  const freqs = new Float32Array(half);
  for (let i = 0; i < half; i++) freqs[i] = Math.exp(-step * i);
  return tf.tidy(() => {
    const args = tf.mul(tf.reshape(c, [-1, 1]), tf.tensor(freqs, [1, half]));
    const emb = tf.concat([tf.sin(args), tf.cos(args)], 1);
    return dim % 2 === 1 ? tf.pad(emb, [[0, 0], [0, 1]]) : emb;
  });
}
