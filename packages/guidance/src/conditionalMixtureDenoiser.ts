import * as tf from '@tensorflow/tfjs-core';
import { predictionFrom, tidyPrediction, timeCoefficients, type Denoiser, type DenoiserCallOptions, type Prediction, type Sde } from '@scorekit/sde';
import { mixtureTerms, parseMixture, type MixtureLike } from './internal/mixture.js';
import { timeColumns } from './internal/timeColumns.js';
import { oneHotFloat } from './internal/oneHotFloat.js';

/** A class-conditional {@link Denoiser}: labels 0…numClasses−1 are classes, `nullLabel` (= numClasses) is "no class". */
export interface ConditionalDenoiser extends Denoiser {
  readonly numClasses: number;
  /** The label that asks for the unconditional model (classifier-free guidance's ∅). */
  readonly nullLabel: number;
}

/**
 * The exact class-conditional denoiser of a Gaussian mixture, the class being the component: label k gives the
 * score of component k's marginal at t, ∇ log N(x; α μ_k, α²Σ_k + σ²I); the null label K (or no labels) gives the
 * whole mixture's score. Classifier-free guidance can then be tested against closed forms.
 *
 * @example
 * const cond = conditionalMixtureDenoiser(mixture, new VpSde());
 * const s1 = cond.predict(x, 0.5, { labels: tf.tensor1d([1, 1], 'int32') }).score; // component 1
 */
export function conditionalMixtureDenoiser(mixture: MixtureLike, sde: Sde): ConditionalDenoiser {
  const where = 'conditionalMixtureDenoiser';
  const parsed = parseMixture(mixture, where);
  if (sde == null || typeof sde.marginalCoefficients !== 'function') throw new Error(`${where}: sde must be an Sde from @scorekit/sde`);
  const K = parsed.components.length;
  const d = parsed.dim;
  return {
    sde,
    numClasses: K,
    nullLabel: K,
    predict(x: tf.Tensor, t: tf.Tensor | number, options: DenoiserCallOptions = {}): Prediction {
      if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== d) {
        throw new Error(`${where}: x must have shape [n, ${d}]; got ${x instanceof tf.Tensor ? `[${x.shape.join(',')}]` : String(x)}`);
      }
      const n = x.shape[0];
      const labels = options.labels;
      if (labels != null) {
        if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.shape[0] !== n || labels.dtype !== 'int32') {
          throw new Error(`${where}: labels must be int32 [${n}]; got ${labels instanceof tf.Tensor ? `${labels.dtype} [${labels.shape.join(',')}]` : String(labels)}`);
        }
        const bad = Array.from(labels.dataSync()).find((v) => v < 0 || v > K);
        if (bad !== undefined) throw new Error(`${where}: unknown class ${bad}; allowed: 0…${K - 1}, or ${K} for the whole mixture`);
      }
      return tidyPrediction(() => {
        const { tVec, alpha, sigma } = timeCoefficients(sde, t, x);
        const cols = timeColumns(sde, typeof t === 'number' ? t : tVec, n, where);
        const { logTerms, scores } = mixtureTerms(parsed, x, cols.alpha, cols.sigma2, true);
        const responsibilities = tf.softmax(logTerms, 1); // [n, K]
        let weights = responsibilities;
        if (labels != null) {
          // Row i: one-hot of its class, or the responsibilities for the null label.
          const isNull = tf.reshape(tf.equal(labels, tf.scalar(K, 'int32')), [n, 1]);
          const oneHot = oneHotFloat(labels, K);
          weights = tf.where(tf.tile(isNull, [1, K]), responsibilities, oneHot);
        }
        const score = tf.sum(tf.mul(scores!, tf.expandDims(weights, 2)), 1);
        return predictionFrom('score', score, x, alpha, sigma);
      });
    },
  };
}
