import * as tf from '@tensorflow/tfjs-core';
import { decode } from './decode.js';
import { encode, type OdeCodingOptions } from './encode.js';
import { slerp } from './slerp.js';

/**
 * Interpolates between data points through latent space: encodes x₀ and x₁ with the probability-flow ODE, takes
 * `count` spherical interpolations of the latents at λ = 0 … 1 and decodes them. Returns [count, n, ...dims]
 * (index 0 ≈ x₀, the last ≈ x₁) and the NFE spent; the caller owns `path`.
 *
 * @example
 * const { path } = await interpolate(x0, x1, 8, { score, sde });
 */
export async function interpolate(
  x0: tf.Tensor,
  x1: tf.Tensor,
  count: number,
  options: OdeCodingOptions,
): Promise<{ path: tf.Tensor; nfe: number }> {
  if (!Number.isInteger(count) || count < 2) throw new Error(`interpolate: count must be an integer ≥ 2; got ${count}`);
  const both = tf.concat([x0, x1], 0);
  const { latents, nfe: nfeEncode } = await encode(both, options);
  both.dispose();
  const n = x0.shape[0];
  const [z0, z1] = tf.split(latents, [n, x1.shape[0]], 0);
  latents.dispose();
  const zs = tf.tidy(() => tf.concat(Array.from({ length: count }, (_, k) => slerp(z0, z1, k / (count - 1))), 0));
  z0.dispose();
  z1.dispose();
  const { samples, nfe: nfeDecode } = await decode(zs, options);
  zs.dispose();
  const path = tf.reshape(samples, [count, ...x0.shape]);
  samples.dispose();
  return { path, nfe: nfeEncode + nfeDecode };
}
