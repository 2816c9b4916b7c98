import * as tf from '@tensorflow/tfjs-core';
import { decodeTensors } from '@scorekit/core';
import type { Sde } from '@scorekit/sde';
import type { TrainableNoisyClassifier } from './createNoisyClassifier.js';
import { NOISY_CLASSIFIER_FILES } from './internal/classifierFiles.js';
import { assignClassifierWeights, classifierFromManifest } from './internal/rebuildNoisyClassifier.js';

/** What a decoded classifier must fit; each given field is checked and every difference reported at once. */
export interface NoisyClassifierFit {
  /** The SDE of the model it will guide. */
  readonly sde?: Sde;
  /** One sample's shape of the model it will guide. */
  readonly dataShape?: readonly number[];
  /** The number of classes expected. */
  readonly numClasses?: number;
  /** What the files are, for error messages (a URL or folder); default `'noisy classifier'`. */
  readonly source?: string;
}

/**
 * Rebuilds a noisy classifier from the two files of a folder that `saveNoisyClassifier` (`@scorekit/guidance/node`,
 * or `scorekit train-classifier --noisy`) writes — the parsed `config.json` and the bytes of `weights.safetensors` —
 * with no Node module: this is how a browser loads a classifier it fetched. Like `loadNoisyClassifier`, it checks
 * the format, then the fit to the model it will guide (SDE, sample shape, classes) before reading any weight, then
 * every weight's name and shape, each time naming everything that differs in one error.
 *
 * @example
 * const manifest = await (await fetch('/files/run/classifier/config.json')).json();
 * const bytes = new Uint8Array(await (await fetch('/files/run/classifier/weights.safetensors')).arrayBuffer());
 * const classifier = decodeNoisyClassifier(manifest, bytes, { sde: model.sde, dataShape: [2] });
 */
export function decodeNoisyClassifier(manifest: unknown, weights: Uint8Array | ArrayBuffer, fit: NoisyClassifierFit = {}): TrainableNoisyClassifier {
  const source = fit.source ?? 'noisy classifier';
  const classifier = classifierFromManifest(manifest, fit, source);
  try {
    const { tensors } = decodeTensors(weights, { source: `${source} ${NOISY_CLASSIFIER_FILES.weights}` });
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
