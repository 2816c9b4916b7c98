import type * as tf from '@tensorflow/tfjs-core';
import type { Sde } from '@scorekit/sde';

/**
 * A noise-conditional classifier p(y | x_t, t) for the marginals of one forward SDE: what classifier guidance
 * differentiates. `x` is [n, ...dataShape]; `t` one time for the batch or an [n] tensor. Implemented exactly for
 * Gaussian mixtures ({@link mixtureClassifier}) and by trained networks ({@link createNoisyClassifier}).
 *
 * @example
 * const logp = classifier.logProbs(x, 0.5); // [n, numClasses], each row's exp sums to 1
 */
export interface NoisyClassifier {
  /** The forward SDE whose noisy marginals it classifies. */
  readonly sde: Sde;
  readonly numClasses: number;
  /** Shape of one sample, e.g. [2] or [28, 28, 1]. */
  readonly dataShape: readonly number[];
  /** log p(y | x_t, t) for every class y: [n, numClasses]; differentiable in x. */
  logProbs(x: tf.Tensor, t: tf.Tensor | number): tf.Tensor;
}
