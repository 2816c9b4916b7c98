import * as tf from '@tensorflow/tfjs-core';
import type { Sde } from '@scorekit/sde';
import type { NoisyClassifier } from './NoisyClassifier.js';
import { mixtureTerms, parseMixture, type MixtureLike } from './internal/mixture.js';
import { timeColumns } from './internal/timeColumns.js';

/**
 * The exact noise-conditional classifier of a Gaussian mixture, the class being the component: a linear SDE maps
 * component k to N(α(t)·μ_k, α(t)²Σ_k + σ(t)²I), so p(k | x_t, t) ∝ w_k·N(x_t; α μ_k, α²Σ_k + σ²I) — classifier
 * guidance tested without training.
 *
 * Numerics: float32 tensors (the log-probabilities must be differentiable by tfjs for guidance), made safe where
 * float32 would lose them: each quadratic form is evaluated in the component's eigenbasis (no inverse), and the
 * normalisation is a log-sum-exp that subtracts the row maximum, so far-apart components (log-terms of −10⁴) give
 * exact 0/1 probabilities and finite gradients instead of 0/0. α(t) and σ(t) of a number t are computed in float64.
 *
 * @example
 * const classifier = mixtureClassifier({ weights: [0.5, 0.5], means: [[-2, 0], [2, 0]], stds: [0.5, 0.5] }, new VpSde());
 * const p = tf.exp(classifier.logProbs(x, 0.3)); // [n, 2]
 */
export function mixtureClassifier(mixture: MixtureLike, sde: Sde): NoisyClassifier {
  const where = 'mixtureClassifier';
  const parsed = parseMixture(mixture, where);
  if (sde == null || typeof sde.marginalCoefficients !== 'function') throw new Error(`${where}: sde must be an Sde from @scorekit/sde`);
  const d = parsed.dim;
  return {
    sde,
    numClasses: parsed.components.length,
    dataShape: [d],
    logProbs(x: tf.Tensor, t: tf.Tensor | number): tf.Tensor {
      if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== d) {
        throw new Error(`${where}: x must have shape [n, ${d}]; got ${x instanceof tf.Tensor ? `[${x.shape.join(',')}]` : String(x)}`);
      }
      return tf.tidy(() => {
        const { alpha, sigma2 } = timeColumns(sde, t, x.shape[0], where);
        const { logTerms } = mixtureTerms(parsed, x, alpha, sigma2, false);
        return tf.sub(logTerms, tf.logSumExp(logTerms, 1, true));
      });
    },
  };
}
