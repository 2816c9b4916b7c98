import * as tf from '@tensorflow/tfjs-core';
import { tidyPrediction, type Denoiser, type DenoiserCallOptions, type Prediction } from '@scorekit/sde';
import type { NoisyClassifier } from './NoisyClassifier.js';
import { checkLabelCount, readLabels } from './internal/labels.js';
import { sdeDifference } from './internal/sdeDifference.js';
import { shiftScore } from './internal/shiftScore.js';
import { oneHotFloat } from './internal/oneHotFloat.js';

/** Options of {@link classifierGuidance}. */
export interface ClassifierGuidanceOptions {
  /**
   * Guidance scale w ≥ 0: 0 is the unguided model, 1 samples p(x | y) exactly when both the score and the
   * classifier are exact, larger w samples (roughly) ∝ p(x)·p(y | x)^w — sharper, less diverse.
   */
  readonly scale: number;
  /** The class of each sample, in [0, numClasses): an int32 tensor [n] or an array (copied). */
  readonly labels: tf.Tensor | readonly number[];
}

/**
 * Classifier guidance (Song et al. 2021, score_sde `controllable_generation.py`; Dhariwal & Nichol 2021, with a
 * scale) as a transform of a {@link Denoiser}: the returned denoiser's score is
 * s(x, t) + w·∇ₓ log p_φ(y | x_t, t), sample i guided to class `labels[i]`. Its ε, x̂₀ and v are those of the
 * guided score (ε̂ − σ·w·∇ log p, …), so every sampler of `@scorekit/samplers` runs it unchanged. One guided call
 * costs one denoiser call plus one classifier forward and backward pass.
 *
 * @example
 * const guided = classifierGuidance(model, classifier, { scale: 2, labels: new Array(16).fill(3) });
 * const { samples } = await createSampler('euler-maruyama', { steps: 500 }).run({ denoiser: guided, shape: [16, 28, 28, 1], seed: 0 });
 */
export function classifierGuidance(denoiser: Denoiser, classifier: NoisyClassifier, options: ClassifierGuidanceOptions): Denoiser {
  const where = 'classifierGuidance';
  if (denoiser == null || typeof denoiser.predict !== 'function' || denoiser.sde == null) throw new Error(`${where}: denoiser must be a Denoiser { sde, predict }`);
  if (classifier == null || typeof classifier.logProbs !== 'function' || classifier.sde == null) {
    throw new Error(`${where}: classifier must be a NoisyClassifier { sde, numClasses, dataShape, logProbs }`);
  }
  const { scale } = options ?? ({} as ClassifierGuidanceOptions);
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) throw new Error(`${where}: scale must be a finite number ≥ 0; got ${String(scale)}`);
  const differs = sdeDifference(classifier.sde, denoiser.sde);
  if (differs) throw new Error(`${where}: the classifier was made for another SDE than the denoiser's (${differs}); train or build it for the denoiser's SDE`);
  const modelShape = (denoiser as { network?: { inputShape?: readonly number[] } }).network?.inputShape;
  if (modelShape && modelShape.join(',') !== classifier.dataShape.join(',')) {
    throw new Error(`${where}: the classifier takes samples of shape [${classifier.dataShape.join(', ')}] but the model makes [${modelShape.join(', ')}]`);
  }
  const labels = readLabels(options.labels, classifier.numClasses, where);
  const K = classifier.numClasses;

  return {
    sde: denoiser.sde,
    predict(x: tf.Tensor, t: tf.Tensor | number, callOptions?: DenoiserCallOptions): Prediction {
      checkLabelCount(labels, x, where);
      if (x.shape.slice(1).join(',') !== classifier.dataShape.join(',')) {
        throw new Error(`${where}: the classifier takes samples of shape [${classifier.dataShape.join(', ')}]; x is [${x.shape.join(', ')}]`);
      }
      if (scale === 0) return denoiser.predict(x, t, callOptions);
      return tidyPrediction(() => {
        const base = denoiser.predict(x, t, callOptions);
        const oneHot = oneHotFloat(tf.tensor1d(labels, 'int32'), K);
        // ∇ₓ Σᵢ log p(yᵢ | xᵢ): samples are independent, so row i of the gradient is sample i's own.
        const gradient = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(classifier.logProbs(xx, t), oneHot)))(x);
        return shiftScore(base, tf.mul(gradient, scale));
      });
    },
  };
}
