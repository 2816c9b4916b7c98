import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser, DenoiserCallOptions } from '@scorekit/sde';

/**
 * A class-conditional denoiser called with fixed per-sample labels — plain conditional sampling, as `scorekit sample
 * --class k` runs it (apps/trainer conditioning.ts `withLabels`): the model's own prediction, so the same draw with
 * classifier-free guidance at w = 0 gives identical numbers.
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
