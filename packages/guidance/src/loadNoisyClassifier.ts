import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadTensors } from '@scorekit/core/node';
import type { Sde } from '@scorekit/sde';
import { createNoisyClassifier, type ResolvedNoisyClassifierConfig, type TrainableNoisyClassifier } from './createNoisyClassifier.js';
import { NOISY_CLASSIFIER_FILES, NOISY_CLASSIFIER_FORMAT, NOISY_CLASSIFIER_VERSION } from './internal/classifierFiles.js';
import { sdeDifference } from './internal/sdeDifference.js';

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
  let manifest: { format?: unknown; version?: unknown; config?: ResolvedNoisyClassifierConfig };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch (e) {
    throw new Error(`Cannot read noisy classifier ${dir}: ${file} is not valid JSON (${(e as Error).message})`);
  }
  if (manifest?.format !== NOISY_CLASSIFIER_FORMAT || manifest.version !== NOISY_CLASSIFIER_VERSION || manifest.config == null) {
    throw new Error(`Cannot read noisy classifier ${dir}: ${file} must have format '${NOISY_CLASSIFIER_FORMAT}' version ${NOISY_CLASSIFIER_VERSION} and a config; got format ${JSON.stringify(manifest?.format)} version ${JSON.stringify(manifest?.version)}`);
  }
  const classifier = createNoisyClassifier(manifest.config);
  try {
    const problems: string[] = [];
    if (options.sde) {
      const differs = sdeDifference(classifier.sde, options.sde);
      if (differs) problems.push(`it was trained for another SDE (classifier vs model: ${differs})`);
    }
    if (options.dataShape && options.dataShape.join(',') !== classifier.dataShape.join(',')) {
      problems.push(`it classifies samples of shape [${classifier.dataShape.join(', ')}], the model makes [${options.dataShape.join(', ')}]`);
    }
    if (options.numClasses != null && options.numClasses !== classifier.numClasses) problems.push(`it has ${classifier.numClasses} classes, ${options.numClasses} were expected`);
    if (problems.length > 0) throw new Error(`Noisy classifier ${dir} does not fit: ${problems.join('; ')}`);
    const weightsFile = nodePath.join(dir, NOISY_CLASSIFIER_FILES.weights);
    const { tensors } = await loadTensors(weightsFile);
    try {
      const missing: string[] = [];
      for (const v of classifier.variables) {
        const w = tensors[v.name];
        if (!w || w.shape.join(',') !== v.variable.shape.join(',')) missing.push(`${v.name} [${v.variable.shape.join(',')}]${w ? ` saved as [${w.shape.join(',')}]` : ' missing'}`);
      }
      if (missing.length > 0) throw new Error(`Cannot read noisy classifier ${weightsFile}: weights do not match its config: ${missing.join('; ')}`);
      for (const v of classifier.variables) v.variable.assign(tensors[v.name]);
    } finally {
      tf.dispose(tensors);
    }
  } catch (e) {
    classifier.dispose();
    throw e;
  }
  return classifier;
}
