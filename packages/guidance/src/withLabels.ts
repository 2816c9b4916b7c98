import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser, DenoiserCallOptions } from '@scorekit/sde';

/**
 * A class-conditional denoiser called with fixed per-sample labels: plain conditional sampling (`scorekit sample
 * --class k`), no guidance. The model's own prediction, so it equals {@link classifierFreeGuidance} at w = 0.
 *
 * @example
 * const sampler = createSampler({ name: 'ddim' });
 * await sampler.run({ denoiser: withLabels(model, [3, 3, 7]), shape: [3, 28, 28, 1], seed: 0 });
 */
export function withLabels(conditional: Denoiser, labels: readonly number[]): Denoiser {
  return {
    sde: conditional.sde,
    predict(x: tf.Tensor, t: tf.Tensor | number, options: DenoiserCallOptions = {}) {
      const y = tf.tensor1d(labels as number[], 'int32');
      try {
        return conditional.predict(x, t, { ...options, labels: y });
      } finally {
        y.dispose();
      }
    },
  };
}
