import type * as tf from '@tensorflow/tfjs-core';
import * as nodePath from 'node:path';
import { ensureDir, saveTensors, writeFileAtomic } from '@scorekit/core/node';
import type { Classifier } from './Classifier.js';

/** The format tag in a saved classifier's config.json. */
export const CLASSIFIER_FORMAT = 'scorekit-classifier/1';

/**
 * Saves a {@link Classifier} to a folder: `weights.safetensors` (core's `saveTensors`, tensors named
 * `<layer>/<index>`) and then `config.json` (architecture, class names, format tag), each written to a temporary
 * name and renamed, so an interrupted save never leaves a folder that loads. Load it back with
 * {@link loadClassifier}, or name it as `classifier:<dir>` in the CLI and {@link createExtractor}.
 *
 * @example
 * await saveClassifier(clf, 'runs/mnist-classifier');
 */
export async function saveClassifier(classifier: Classifier, dir: string): Promise<void> {
  await ensureDir(dir);
  const tensors: tf.NamedTensorMap = {};
  for (const layer of classifier.network.layers) {
    layer.getWeights().forEach((w, j) => {
      tensors[`${layer.name}/${j}`] = w;
    });
  }
  await saveTensors(nodePath.join(dir, 'weights.safetensors'), tensors, { format: CLASSIFIER_FORMAT });
  const config = {
    format: CLASSIFIER_FORMAT,
    ...classifier.config,
    ...(classifier.classNames !== undefined ? { classNames: classifier.classNames } : {}),
  };
  await writeFileAtomic(nodePath.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}
