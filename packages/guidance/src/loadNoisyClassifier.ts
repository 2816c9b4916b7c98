import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadTensors } from '@scorekit/core/node';
import type { Sde } from '@scorekit/sde';
import type { TrainableNoisyClassifier } from './createNoisyClassifier.js';
import { NOISY_CLASSIFIER_FILES } from './internal/classifierFiles.js';
import { assignClassifierWeights, classifierFromManifest } from './internal/rebuildNoisyClassifier.js';

/** What the loaded classifier must fit; each given field is checked and every difference reported. */
export interface LoadNoisyClassifierOptions {
  /** The SDE of the model it will guide. */
  readonly sde?: Sde;
  /** One sample's shape of the model it will guide. */
  readonly dataShape?: readonly number[];
  /** The number of classes expected. */
  readonly numClasses?: number;
}

/**
 * Reads a classifier folder written by {@link saveNoisyClassifier} and rebuilds it. With `options`, checks that it
 * fits the model it will guide — SDE, sample shape, classes — before any weight is read, and names everything
 * that differs in one error. Node only (`@scorekit/guidance/node`).
 *
 * @example
 * const classifier = await loadNoisyClassifier('runs/mnist-noisy-clf', { sde: model.sde, dataShape: [28, 28, 1] });
 */
export async function loadNoisyClassifier(dir: string, options: LoadNoisyClassifierOptions = {}): Promise<TrainableNoisyClassifier> {
  const file = nodePath.join(dir, NOISY_CLASSIFIER_FILES.config);
  const text = await fs.readFile(file, 'utf8').catch(() => {
    throw new Error(`Cannot read noisy classifier ${dir}: ${file} does not exist (saveNoisyClassifier writes it)`);
  });
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new Error(`Cannot read noisy classifier ${dir}: ${file} is not valid JSON (${(e as Error).message})`);
  }
  const source = `noisy classifier ${dir}`;
  // The format and the fit are checked from config.json alone, before the weights are read.
  const classifier = classifierFromManifest(manifest, options, source);
  try {
    const { tensors } = await loadTensors(nodePath.join(dir, NOISY_CLASSIFIER_FILES.weights));
    try {
      assignClassifierWeights(classifier, tensors, source);
    } finally {
      tf.dispose(tensors);
    }
  } catch (e) {
    classifier.dispose();
    throw e;
  }
  return classifier;
}
