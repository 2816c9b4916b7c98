import * as tf from '@tensorflow/tfjs-core';

/**
 * Clips gradients by their global norm as `torch.nn.utils.clip_grad_norm_` does (score_sde
 * optimization_manager): with N = √Σ‖g‖², every gradient is scaled by clip/(N + 1e-6) when that is below 1.
 * Returns the (possibly scaled) gradients and N before clipping. `clip` null: no clipping. Call inside `tf.tidy`.
 *
 * @example
 * const { grads: clipped, norm } = tf.tidy(() => clipByGlobalNorm(grads, 1));
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, clip: number | null): { grads: tf.NamedTensorMap; norm: number } {
  const list = Object.values(grads);
  if (list.length === 0) return { grads, norm: 0 };
  const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))).dataSync()[0]!;
  const scale = clip != null && norm > clip ? clip / (norm + 1e-6) : 1;
  if (scale >= 1) return { grads, norm };
  return { grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)])), norm };
}
