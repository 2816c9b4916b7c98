import type * as tf from '@tensorflow/tfjs-core';
import type { ModelCallOptions } from './DenoiserModel.js';

/**
 * A noise-free score model s(x) ≈ ∇ₓ log p(x): what exact, sliced and single-σ denoising score matching train.
 * `x` is [n, ...dims]; the result is shaped like `x`. Exact and sliced score matching differentiate it with respect
 * to `x` and then to the weights, so a network behind it must use the second-order-safe activations of
 * `@scorekit/core`. Samples must be treated independently (no batch statistics).
 *
 * @example
 * const score: ScoreFunction = (x) => tf.neg(tf.grad((y) => tf.sum(energy(y)))(x)); // s = −∇E
 * const loss = exactScoreMatchingLoss(score, x, rng);
 */
export type ScoreFunction = (x: tf.Tensor, options?: ModelCallOptions) => tf.Tensor;
