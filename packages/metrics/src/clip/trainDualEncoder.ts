import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { l2Rows } from '../internal/l2Rows.js';
import { bagOfWords, captionVocabulary } from './captionVocabulary.js';
import { createDualEncoder } from './scorekitDualEncoder.js';
import type { ScorekitDualEncoder } from './scorekitDualEncoder.js';
import { epochOrder } from '../internal/epochOrder.js';

/** Caption templates used to describe a class while training (one drawn per image per step). */
export const CAPTION_TEMPLATES = ['a photo of a {}', 'a picture of a {}', 'an image of a {}', 'a {}'] as const;

export interface TrainDualEncoderOptions {
  /** Images NHWC float32 in [−1, 1], flat with `shape`. */
  readonly images: Float32Array;
  readonly shape: readonly [number, number, number, number];
  /** Class of each image; its caption is a template filled with `classNames[label]`. */
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
  /** Default {@link CAPTION_TEMPLATES}. */
  readonly templates?: readonly string[];
  /** Default 300. */
  readonly steps?: number;
  /** Image–caption pairs per step. Default 64. */
  readonly batchSize?: number;
  /** Adam learning rate. Default 2e-3. */
  readonly learningRate?: number;
  readonly seed?: number;
  readonly embedDim?: number;
  readonly onStep?: (step: number, loss: number) => void;
}

/**
 * Trains scorekit's dual encoder contrastively (CLIP, Radford et al. 2021): in each batch of image–caption pairs,
 * logits = exp(t) · normalised image embeddings · normalised text embeddingsᵀ, and the loss is the symmetric
 * InfoNCE ½ (CE(logits, diag) + CE(logitsᵀ, diag)), with the temperature t learned (clipped at scale 100 as in
 * CLIP). Captions are class names in templates ("a photo of a sneaker"), tokenised into words over the fixed
 * vocabulary of all templates and class names. Every step runs in `tf.tidy`.
 *
 * @example
 * const data = await loadFashionMnist({ count: 5000 });            // @scorekit/data
 * const enc = await trainDualEncoder({ ...data, labels: data.labels!, classNames: FASHION_MNIST_CLASSES });
 */
export async function trainDualEncoder(options: TrainDualEncoderOptions): Promise<ScorekitDualEncoder> {
  const where = 'trainDualEncoder';
  const { images, shape, labels, classNames } = options;
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new Error(`${where}: shape must be [n, height, width, channels]; got ${JSON.stringify(shape)}`);
  }
  const [n, h, w, c] = shape;
  if (!(images instanceof Float32Array) || images.length !== n * h * w * c) {
    throw new Error(`${where}: images must be a Float32Array of n·h·w·c = ${n * h * w * c} values`);
  }
  if (!Array.isArray(classNames) || classNames.length < 2) throw new Error(`${where}: classNames must list ≥ 2 class names`);
  if (!(labels instanceof Int32Array) || labels.length !== n) throw new Error(`${where}: labels must be an Int32Array of length n = ${n}`);
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0 || labels[i] >= classNames.length) {
      throw new Error(`${where}: labels[${i}] is ${labels[i]}; labels must be in [0, ${classNames.length}) (one per class name)`);
    }
  }
  const templates = options.templates ?? CAPTION_TEMPLATES;
  if (!templates.every((t) => t.includes('{}'))) throw new Error(`${where}: every template must contain '{}' for the class name`);
  const steps = options.steps ?? 300;
  const batchSize = Math.min(options.batchSize ?? 64, n);
  const lr = options.learningRate ?? 2e-3;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`${where}: steps must be a positive integer; got ${steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 2) throw new Error(`${where}: batchSize must be an integer ≥ 2; got ${batchSize}`);
  const captionsOf = (k: number): string[] => templates.map((t) => t.replace('{}', classNames[k]));
  const allCaptions = classNames.flatMap((_, k) => captionsOf(k));
  const vocabulary = captionVocabulary(allCaptions);
  const rng = new Rng(options.seed ?? 0);
  const encoder = createDualEncoder({ inputShape: [h, w, c], vocabulary, ...(options.embedDim !== undefined ? { embedDim: options.embedDim } : {}) }, rng);
  // Bag-of-words rows of every (class, template) caption, looked up per batch.
  const bags = bagOfWords(allCaptions, vocabulary);
  const v = vocabulary.length;
  const optimizer = tf.train.adam(lr);
  const pixels = h * w * c;
  const batchImages = new Float32Array(batchSize * pixels);
  const batchBags = new Float32Array(batchSize * v);
  const maxLogScale = Math.log(100);
  const nextIndex = epochOrder(rng, n);
  try {
    for (let step = 1; step <= steps; step++) {
      for (let b = 0; b < batchSize; b++) {
        const i = nextIndex();
        batchImages.set(images.subarray(i * pixels, (i + 1) * pixels), b * pixels);
        const caption = labels[i] * templates.length + rng.randint(0, templates.length);
        batchBags.set(bags.subarray(caption * v, (caption + 1) * v), b * v);
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor4d(batchImages, [batchSize, h, w, c]);
        const t = tf.tensor2d(batchBags, [batchSize, v]);
        const target = tf.oneHot(tf.range(0, batchSize, 1, 'int32'), batchSize);
        return optimizer.minimize(() => {
          const img = l2Rows(encoder.imageEmbeddings(x));
          const txt = l2Rows(encoder.textEmbeddings(t));
          const logits = tf.mul(tf.exp(encoder.logScale), tf.matMul(img, txt, false, true));
          // CLIP's symmetric InfoNCE (Radford et al. 2021, Figure 3 pseudocode).
          const a = tf.losses.softmaxCrossEntropy(target, logits);
          const b = tf.losses.softmaxCrossEntropy(target, tf.transpose(logits));
          return tf.mul(0.5, tf.add(a, b)) as tf.Scalar;
        }, true) as tf.Scalar;
      });
      const value = (await loss.data())[0];
      loss.dispose();
      // CLIP clips the logit scale at 100.
      if (encoder.logScale.dataSync()[0] > maxLogScale) encoder.logScale.assign(tf.scalar(maxLogScale));
      if (!Number.isFinite(value)) throw new Error(`${where}: the loss became ${value} at step ${step}; lower learningRate`);
      options.onStep?.(step, value);
    }
  } catch (e) {
    encoder.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
  return encoder;
}

/**
 * Zero-shot classification with a dual encoder: each image gets the class whose caption (`template` filled with
 * the class name) has the highest cosine with it.
 *
 * @example
 * const predicted = await zeroShotClassify(enc, images, FASHION_MNIST_CLASSES); // Int32Array of class indices
 */
export async function zeroShotClassify(
  encoder: { encodeImages: ScorekitDualEncoder['encodeImages']; encodeTexts: ScorekitDualEncoder['encodeTexts'] },
  images: tf.Tensor,
  classNames: readonly string[],
  template = 'a photo of a {}',
): Promise<Int32Array> {
  const img = await encoder.encodeImages(images);
  const txt = await encoder.encodeTexts(classNames.map((k) => template.replace('{}', k)));
  const [n, d] = img.shape;
  const k = classNames.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += img.data[i * d + q] * txt.data[j * d + q];
      if (s > best) {
        best = s;
        out[i] = j;
      }
    }
  }
  return out;
}
