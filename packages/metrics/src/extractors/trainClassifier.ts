import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { checkClassifierConfig, createClassifierNetwork } from './classifierNetwork.js';
import type { ClassifierNetworkConfig } from './classifierNetwork.js';
import type { Classifier } from './Classifier.js';
import { epochOrder } from '../internal/epochOrder.js';

export interface TrainClassifierOptions {
  /** Images NHWC float32 in [−1, 1], flat row-major with `shape`, e.g. from `@scorekit/data`'s loaders. */
  readonly images: Float32Array;
  readonly shape: readonly [number, number, number, number];
  /** Class of each image, integers in [0, numClasses). */
  readonly labels: Int32Array;
  /** Number of classes. Default: max(label) + 1. */
  readonly numClasses?: number;
  /** Names of the classes, stored with the model. */
  readonly classNames?: readonly string[];
  /** Optimiser steps. Default 500. */
  readonly steps?: number;
  /** Images per step. Default 64. */
  readonly batchSize?: number;
  /** Adam learning rate. Default 2e-3. */
  readonly learningRate?: number;
  /** Seed of the weights and the batch order. Default 0. */
  readonly seed?: number;
  readonly featureDim?: number;
  readonly filters?: readonly [number, number];
  /** Called after every step with its mean cross-entropy. */
  readonly onStep?: (step: number, loss: number) => void;
}

/**
 * Trains scorekit's small classifier ({@link createClassifierNetwork}) with Adam on softmax cross-entropy, batches
 * drawn by reshuffling the data every epoch from the seed. Each step runs in `tf.tidy`. The result extracts
 * penultimate-layer features for a Fréchet classifier distance ({@link classifierExtractor}) and saves with
 * {@link saveClassifier}.
 *
 * @example
 * const data = await loadMnist();                       // @scorekit/data
 * const clf = await trainClassifier({ ...data, labels: data.labels!, steps: 300 });
 * await saveClassifier(clf, 'runs/mnist-classifier');
 */
export async function trainClassifier(options: TrainClassifierOptions): Promise<Classifier> {
  const { images, shape, labels } = options;
  const where = 'trainClassifier';
  if (!(images instanceof Float32Array)) throw new Error(`${where}: images must be a Float32Array (NHWC, values in [−1, 1])`);
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new Error(`${where}: shape must be [n, height, width, channels]; got ${JSON.stringify(shape)}`);
  }
  const [n, h, w, c] = shape;
  if (images.length !== n * h * w * c) throw new Error(`${where}: images has ${images.length} values but shape needs ${n * h * w * c}`);
  if (!(labels instanceof Int32Array) || labels.length !== n) throw new Error(`${where}: labels must be an Int32Array of length n = ${n}`);
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) throw new Error(`${where}: labels[${i}] is ${labels[i]}; labels must be ≥ 0`);
    maxLabel = Math.max(maxLabel, labels[i]);
  }
  const numClasses = options.numClasses ?? maxLabel + 1;
  if (maxLabel >= numClasses) throw new Error(`${where}: label ${maxLabel} is not in [0, numClasses = ${numClasses})`);
  const steps = positiveInt(options.steps ?? 500, 'steps', where);
  const batchSize = Math.min(positiveInt(options.batchSize ?? 64, 'batchSize', where), n);
  const lr = options.learningRate ?? 2e-3;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`${where}: learningRate must be a positive number; got ${lr}`);
  const config: ClassifierNetworkConfig = {
    inputShape: [h, w, c],
    numClasses,
    ...(options.featureDim !== undefined ? { featureDim: options.featureDim } : {}),
    ...(options.filters !== undefined ? { filters: options.filters } : {}),
  };
  checkClassifierConfig(config, where);
  const rng = new Rng(options.seed ?? 0);
  const network = createClassifierNetwork(config, rng);
  const optimizer = tf.train.adam(lr);
  const pixels = h * w * c;
  const batchImages = new Float32Array(batchSize * pixels);
  const batchLabels = new Int32Array(batchSize);
  const nextIndex = epochOrder(rng, n);
  try {
    for (let step = 1; step <= steps; step++) {
      for (let b = 0; b < batchSize; b++) {
        const i = nextIndex();
        batchImages.set(images.subarray(i * pixels, (i + 1) * pixels), b * pixels);
        batchLabels[b] = labels[i];
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor4d(batchImages, [batchSize, h, w, c]);
        const y = tf.oneHot(tf.tensor1d(batchLabels, 'int32'), numClasses);
        const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, network.apply(x) as tf.Tensor) as tf.Scalar, true);
        return cost as tf.Scalar;
      });
      const value = (await loss.data())[0];
      loss.dispose();
      if (!Number.isFinite(value)) throw new Error(`${where}: the loss became ${value} at step ${step}; lower learningRate`);
      options.onStep?.(step, value);
    }
  } catch (e) {
    network.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
  return {
    network,
    config: { ...config, featureDim: config.featureDim ?? 64, filters: config.filters ?? [16, 32] },
    ...(options.classNames !== undefined ? { classNames: [...options.classNames] } : {}),
  };
}

function positiveInt(v: number, name: string, where: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${name} must be a positive integer; got ${v}`);
  return v;
}
