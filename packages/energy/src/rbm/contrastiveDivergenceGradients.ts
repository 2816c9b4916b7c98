import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { checkInteger, checkMatrix } from '../internal/check.js';
import type { Rbm, RbmGradients } from './Rbm.js';

/** Options of {@link contrastiveDivergenceGradients}. */
export interface ContrastiveDivergenceOptions {
  /** Gibbs steps in the negative phase (CD-k), ≥ 1. */
  readonly k: number;
  readonly rng: Rng;
  /**
   * Where the negative chains start: omitted, at the data (CD-k, Hinton 2002); given (any number of rows), at these
   * states, kept from the previous update (persistent CD, Tieleman 2008).
   */
  readonly chains?: tf.Tensor2D;
}

/** What {@link contrastiveDivergenceGradients} returns; the caller owns every tensor. */
export interface ContrastiveDivergenceResult {
  /** The estimate of ∇ mean log p(data) (an ascent direction). */
  readonly gradients: RbmGradients;
  /** The chains' states after the k steps (for the next persistent update). */
  readonly chains: tf.Tensor2D;
}

/**
 * The contrastive-divergence estimate of the log-likelihood gradient of an RBM: the data statistics
 * ⟨v p(h|v)ᵀ⟩ over `data` minus the same statistics over chains run k block-Gibbs steps, for W, b and c. Hidden
 * statistics use probabilities rather than samples (less noise, same expectation; Hinton's practical guide §3).
 * CD-k is biased for finite k when the chains start at the data; the bias vanishes as k → ∞.
 *
 * @example
 * const { gradients, chains } = contrastiveDivergenceGradients(rbm, batch, { k: 1, rng });
 */
export function contrastiveDivergenceGradients(
  rbm: Rbm,
  data: tf.Tensor2D,
  options: ContrastiveDivergenceOptions,
): ContrastiveDivergenceResult {
  const where = 'contrastiveDivergenceGradients';
  checkMatrix(where, 'data', data.shape, rbm.visibleUnits);
  checkInteger(where, 'k', options.k, 1);
  if (options.chains) checkMatrix(where, 'chains', options.chains.shape, rbm.visibleUnits);
  return tf.tidy(() => {
    const chains = rbm.gibbs(options.chains ?? data, options.k, options.rng);
    const positive = statistics(rbm, data);
    const negative = statistics(rbm, chains);
    return {
      gradients: {
        weights: tf.sub(positive.weights, negative.weights) as tf.Tensor2D,
        visibleBias: tf.sub(positive.visibleBias, negative.visibleBias) as tf.Tensor1D,
        hiddenBias: tf.sub(positive.hiddenBias, negative.hiddenBias) as tf.Tensor1D,
      },
      chains,
    };
  });
}

/** Means over rows of v p(h|v)ᵀ, v and p(h|v): the sufficient statistics of the three parameters. */
function statistics(rbm: Rbm, v: tf.Tensor2D): RbmGradients {
  const n = v.shape[0];
  const ph = rbm.hiddenProbabilities(v);
  return {
    weights: tf.div(tf.matMul(v, ph, true, false), n) as tf.Tensor2D,
    visibleBias: tf.mean(v, 0) as tf.Tensor1D,
    hiddenBias: tf.mean(ph, 0) as tf.Tensor1D,
  };
}
