import * as tf from '@tensorflow/tfjs-core';
import { predictionFrom, tidyPrediction, timeCoefficients, type Denoiser, type DenoiserCallOptions, type Prediction } from '@scorekit/sde';
import { checkLabelCount, readLabels } from './internal/labels.js';

/** Options of {@link classifierFreeGuidance}. */
export interface ClassifierFreeGuidanceOptions {
  /**
   * Guidance scale w ≥ 0 in (1 + w)·s(x, t, y) − w·s(x, t, ∅) (Ho & Salimans 2021): 0 is the plain conditional
   * model. diffusers' `guidance_scale` g is 1 + w (g = 7.5 there is w = 6.5 here; g = 1 turns guidance off).
   */
  readonly scale: number;
  /** The class of each sample, in [0, numClasses): an int32 tensor [n] or an array (copied). */
  readonly labels: tf.Tensor | readonly number[];
  /**
   * The label that means "no class" (∅). Default: the denoiser's `nullLabel`, else its `numClasses` or its
   * network's (scorekit's conditional networks reserve index numClasses for it).
   */
  readonly nullLabel?: number;
}

/**
 * Classifier-free guidance (Ho & Salimans 2021) as a transform of a class-conditional {@link Denoiser} trained with
 * label dropout: the returned denoiser predicts (1 + w)·s(x, t, y) − w·s(x, t, ∅), which for exact scores samples
 * ∝ p(x | y)^(1+w)·p(x)^(−w). Both predictions come from one call on the doubled batch [x; x] (as diffusers does);
 * they are combined in the model's own output kind, which is the same as combining scores because every kind is
 * affine in the score with the same x-term. Samplers must not pass labels of their own.
 *
 * @example
 * const guided = classifierFreeGuidance(conditionalModel, { scale: 2, labels: [0, 1, 2, 3] });
 * const { samples } = await createSampler('dpm-solver++', { steps: 20 }).run({ denoiser: guided, shape: [4, 28, 28, 1], seed: 0 });
 */
export function classifierFreeGuidance(conditional: Denoiser, options: ClassifierFreeGuidanceOptions): Denoiser {
  const where = 'classifierFreeGuidance';
  if (conditional == null || typeof conditional.predict !== 'function' || conditional.sde == null) {
    throw new Error(`${where}: conditional must be a class-conditional Denoiser { sde, predict }`);
  }
  const { scale } = options ?? ({} as ClassifierFreeGuidanceOptions);
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) throw new Error(`${where}: scale must be a finite number ≥ 0; got ${String(scale)}`);
  const d = conditional as { nullLabel?: number; numClasses?: number; network?: { numClasses?: number } };
  const numClasses = d.numClasses ?? d.network?.numClasses;
  if (!(typeof numClasses === 'number' && numClasses > 0)) {
    throw new Error(`${where}: the denoiser is not class-conditional (no numClasses, nor a network with numClasses > 0); train it with conditional: true and label dropout`);
  }
  const nullLabel = options.nullLabel ?? d.nullLabel ?? numClasses;
  if (!Number.isInteger(nullLabel) || nullLabel < 0) throw new Error(`${where}: nullLabel must be an integer ≥ 0; got ${String(nullLabel)}`);
  const labels = readLabels(options.labels, numClasses, where);
  if (labels.includes(nullLabel)) throw new Error(`${where}: labels must name classes, not the null label ${nullLabel}`);

  return {
    sde: conditional.sde,
    predict(x: tf.Tensor, t: tf.Tensor | number, callOptions: DenoiserCallOptions = {}): Prediction {
      checkLabelCount(labels, x, where);
      if (callOptions.labels != null) throw new Error(`${where}: the guided denoiser brings its own labels; leave the sampler's labels out`);
      const n = x.shape[0];
      if (scale === 0) return tidyPrediction(() => conditional.predict(x, t, { ...callOptions, labels: tf.tensor1d(labels, 'int32') }));
      return tidyPrediction(() => {
        const yc = tf.tensor1d(labels, 'int32');
        const both = tf.concat([yc, tf.fill([n], nullLabel, 'int32')]);
        const tBoth = typeof t === 'number' ? t : tf.concat([t, t]);
        const p = conditional.predict(tf.concat([x, x]), tBoth, { ...callOptions, labels: both });
        const [cond, uncond] = tf.split(p.raw, 2, 0);
        const raw = tf.sub(tf.mul(cond, 1 + scale), tf.mul(uncond, scale));
        const { alpha, sigma } = timeCoefficients(conditional.sde, t, x);
        return predictionFrom(p.kind, raw, x, alpha, sigma);
      });
    },
  };
}
