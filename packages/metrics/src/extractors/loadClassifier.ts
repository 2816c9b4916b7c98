import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { Rng } from '@scorekit/core';
import { loadTensors } from '@scorekit/core/node';
import type { Classifier } from './Classifier.js';
import { checkClassifierConfig, createClassifierNetwork } from './classifierNetwork.js';
import type { ClassifierNetworkConfig } from './classifierNetwork.js';
import { CLASSIFIER_FORMAT } from './saveClassifier.js';

/**
 * Loads a classifier saved by {@link saveClassifier} from its folder. A missing folder, a config of another
 * format or weights that do not fit the architecture give an error naming the file and what was expected.
 *
 * @example
 * const clf = await loadClassifier('runs/mnist-classifier');
 * const extractor = classifierExtractor(clf);
 */
export async function loadClassifier(dir: string): Promise<Classifier> {
  const configPath = nodePath.join(dir, 'config.json');
  let raw: string;
  try {
    raw = await fs.readFile(configPath, 'utf8');
  } catch {
    throw new Error(`classifier folder ${dir}: cannot read config.json; expected a folder written by saveClassifier or 'scorekit train-classifier'`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${configPath} is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed.format !== CLASSIFIER_FORMAT) {
    throw new Error(`${configPath}: format is ${JSON.stringify(parsed.format)}; expected '${CLASSIFIER_FORMAT}'`);
  }
  const config = parsed as unknown as Required<ClassifierNetworkConfig> & { classNames?: string[] };
  checkClassifierConfig(config, configPath);
  const { tensors } = await loadTensors(nodePath.join(dir, 'weights.safetensors'));
  const network = createClassifierNetwork(config, new Rng(0));
  try {
    for (const layer of network.layers) {
      const current = layer.getWeights();
      const values = current.map((w, j) => {
        const t = tensors[`${layer.name}/${j}`];
        if (t === undefined || !tf.util.arraysEqual(t.shape, w.shape)) {
          throw new Error(
            `${dir}/weights.safetensors: tensor '${layer.name}/${j}' should have shape [${w.shape.join(', ')}]` +
              `${t === undefined ? ' but is missing' : `, found [${t.shape.join(', ')}]`}`,
          );
        }
        return t;
      });
      if (values.length > 0) layer.setWeights(values);
    }
  } catch (e) {
    network.dispose();
    throw e;
  } finally {
    tf.dispose(tensors);
  }
  const { inputShape, numClasses, featureDim, filters } = config;
  return {
    network,
    config: { inputShape, numClasses, featureDim, filters },
    ...(Array.isArray(config.classNames) ? { classNames: config.classNames } : {}),
  };
}
