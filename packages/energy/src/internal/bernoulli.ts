import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';

/** Independent Bernoulli draws with the given probabilities, as 0/1 float32 (uniforms from the seeded `rng`). */
export function bernoulli(p: tf.Tensor2D, rng: Rng): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.less(rng.uniform(p.shape), p), 'float32') as tf.Tensor2D);
}
