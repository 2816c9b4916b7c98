import * as tf from '@tensorflow/tfjs-core';

/**
 * Gaussian Fourier features of a per-sample scalar c ([n]): [sin(2π c·wᵢ), cos(2π c·wᵢ)] for fixed random
 * frequencies w ([dim/2], drawn N(0, scale²) once when the network is built), giving [n, dim]
 * (score_sde models/layerspp.py GaussianFourierProjection; NCSN++ feeds it log σ).
 *
 * @example
 * const w = rng.normal([32], 0, 16);
 * const temb = fourierEmbedding(tf.log(sigma), w); // [n, 64]
 */
export function fourierEmbedding(c: tf.Tensor, frequencies: tf.Tensor): tf.Tensor {
  if (c.rank !== 1) throw new Error(`fourierEmbedding: c must have shape [n], got [${c.shape.join(',')}]`);
  if (frequencies.rank !== 1) {
    throw new Error(`fourierEmbedding: frequencies must have shape [dim/2], got [${frequencies.shape.join(',')}]`);
  }
  return tf.tidy(() => {
    const args = tf.mul(tf.reshape(c, [-1, 1]), tf.mul(tf.reshape(frequencies, [1, -1]), 2 * Math.PI));
    return tf.concat([tf.sin(args), tf.cos(args)], 1);
  });
}
