import * as tf from '@tensorflow/tfjs-core';
import type { LayersNetwork } from '../extractors/LayersNetwork.js';
import type { Rng } from '@scorekit/core';
import { extractInBatches } from '../internal/batchedExtraction.js';
import { l2Rows } from '../internal/l2Rows.js';
import { createClassifierNetwork } from '../extractors/classifierNetwork.js';
import { bagOfWords } from './captionVocabulary.js';
import type { DualEncoder } from './DualEncoder.js';

/** Architecture of scorekit's small dual encoder. */
export interface DualEncoderConfig {
  /** [height, width, channels] of the images, e.g. [28, 28, 1]. */
  readonly inputShape: readonly [number, number, number];
  /** The word vocabulary (index 0 `<unk>`), see {@link captionVocabulary}. */
  readonly vocabulary: readonly string[];
  /** Width of the shared embedding space. Default 32. */
  readonly embedDim?: number;
  /** Width of the word embeddings. Default 32. */
  readonly wordDim?: number;
}

/** scorekit's dual encoder: the {@link DualEncoder} interface plus its trainable parts. */
export interface ScorekitDualEncoder extends DualEncoder {
  readonly config: Required<DualEncoderConfig>;
  /** Image tower: the classifier architecture with an embedDim-wide last layer. */
  readonly imageTower: LayersNetwork;
  /** Text tower: word embeddings [V, wordDim], projection [wordDim, embedDim] and its bias. */
  readonly textWeights: { readonly words: tf.Variable; readonly projection: tf.Variable; readonly bias: tf.Variable };
  /** log of the logit scale (CLIP's learnable temperature: scale = exp(logScale), initially 1/0.07). */
  readonly logScale: tf.Variable;
  /** Unnormalised image embeddings of a batch (differentiable; for training). */
  imageEmbeddings(images: tf.Tensor): tf.Tensor2D;
  /** Unnormalised text embeddings of bag-of-words rows (differentiable; for training). */
  textEmbeddings(bags: tf.Tensor2D): tf.Tensor2D;
}

/**
 * Builds scorekit's small CLIP-style dual encoder: an image tower (two stride-2 convolutions, a dense ReLU layer,
 * a linear embedding) and a text tower (mean of learned word embeddings over the caption's words, tanh, linear
 * embedding), plus CLIP's learnable logit scale. Weights from the seeded {@link Rng}. Train it with
 * {@link trainDualEncoder}; its `encodeImages`/`encodeTexts` return L2-normalised embeddings.
 *
 * @example
 * const enc = createDualEncoder({ inputShape: [28, 28, 1], vocabulary: captionVocabulary(captions) }, new Rng(0));
 */
export function createDualEncoder(config: DualEncoderConfig, rng: Rng): ScorekitDualEncoder {
  const vocabulary = config?.vocabulary;
  if (!Array.isArray(vocabulary) || vocabulary.length < 2 || !vocabulary.every((w) => typeof w === 'string')) {
    throw new Error('dual encoder: vocabulary must be an array of ≥ 2 words, index 0 being <unk> (see captionVocabulary)');
  }
  const embedDim = config.embedDim ?? 32;
  const wordDim = config.wordDim ?? 32;
  for (const [name, v] of [['embedDim', embedDim], ['wordDim', wordDim]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`dual encoder: ${name} must be a positive integer; got ${v}`);
  }
  const full: Required<DualEncoderConfig> = { inputShape: config.inputShape, vocabulary: [...vocabulary], embedDim, wordDim };
  const imageTower = createClassifierNetwork({ inputShape: config.inputShape, numClasses: embedDim }, rng);
  const v = vocabulary.length;
  const textWeights = {
    words: tf.variable(tf.tensor2d(rng.normalArray(v * wordDim, 0, 1), [v, wordDim]), true, undefined),
    projection: tf.variable(tf.tensor2d(rng.normalArray(wordDim * embedDim, 0, Math.sqrt(1 / wordDim)), [wordDim, embedDim])),
    bias: tf.variable(tf.zeros([embedDim])),
  };
  const logScale = tf.variable(tf.scalar(Math.log(1 / 0.07)));
  const [h, w, c] = config.inputShape;
  const imageEmbeddings = (images: tf.Tensor): tf.Tensor2D => {
    const x = images.rank === 3 ? tf.expandDims(images, -1) : images;
    const s = x.shape;
    if (s.length !== 4 || s[1] !== h || s[2] !== w || s[3] !== c) {
      throw new Error(`dual encoder: images must be [n, ${h}, ${w}, ${c}]; got [${images.shape.join(', ')}]`);
    }
    return imageTower.apply(x) as tf.Tensor2D;
  };
  const textEmbeddings = (bags: tf.Tensor2D): tf.Tensor2D =>
    tf.add(tf.matMul(tf.tanh(tf.matMul(bags, textWeights.words)), textWeights.projection), textWeights.bias);
  const name = 'scorekit-dual-encoder';
  return {
    name,
    embedDim,
    config: full,
    imageTower,
    textWeights,
    logScale,
    imageEmbeddings,
    textEmbeddings,
    encodeImages: (images, options = {}) =>
      extractInBatches(images, options, embedDim, (b) => l2Rows(imageEmbeddings(b)), `${name} images`),
    encodeTexts: async (texts) => {
      if (!Array.isArray(texts) || texts.length === 0) throw new Error('dual encoder: texts must be a non-empty array of captions');
      const bags = bagOfWords(texts, full.vocabulary);
      const out = tf.tidy(() => l2Rows(textEmbeddings(tf.tensor2d(bags, [texts.length, v]))));
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return { data, shape: [texts.length, embedDim] as const };
    },
    dispose: () => {
      imageTower.dispose();
      tf.dispose([textWeights.words, textWeights.projection, textWeights.bias, logScale]);
    },
  };
}
