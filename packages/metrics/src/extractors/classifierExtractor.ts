import * as tf from '@tensorflow/tfjs-core';
import { extractInBatches } from '../internal/batchedExtraction.js';
import type { Classifier } from './Classifier.js';
import type { FeatureExtractor } from './FeatureExtractor.js';

/** What a classifier extractor reads: the penultimate `features` layer, or the softmax class probabilities. */
export type ClassifierOutput = 'features' | 'probabilities';

export interface ClassifierExtractorOptions {
  /** Default `features` (for FID, KID, precision/recall); `probabilities` feeds {@link inceptionScore}. */
  readonly output?: ClassifierOutput;
  /** The extractor's label in reports (its `name` is `<label>/<output>`). Default `classifier`. */
  readonly label?: string;
}

/** Config of the registered `classifier` extractor kind. */
export interface ClassifierExtractorConfig extends ClassifierExtractorOptions {
  /** A folder written by {@link saveClassifier}. */
  readonly path: string;
}

/**
 * A feature extractor over scorekit's own classifier: the activations of its penultimate layer (`features`,
 * ReLU, featureDim wide) — a Fréchet classifier distance when fed to {@link fid}, the usual stand-in for Inception
 * on 28 × 28 data — or its class probabilities. Images are NHWC in [−1, 1] of the classifier's input shape; a
 * batch of [n, h, w] grey images gets its channel axis added. The extractor does not own the classifier:
 * `dispose()` is a no-op here (see `loadClassifierExtractor` in `@scorekit/metrics/node`, which does own it).
 *
 * @example
 * const extractor = classifierExtractor(await loadClassifier('runs/mnist-classifier'));
 * const value = fid(await extractor.extract(realImages), await extractor.extract(samples));
 */
export function classifierExtractor(classifier: Classifier, options: ClassifierExtractorOptions = {}): FeatureExtractor {
  const output = options.output ?? 'features';
  if (output !== 'features' && output !== 'probabilities') {
    throw new Error(`classifier extractor output must be 'features' or 'probabilities'; got ${JSON.stringify(output)}`);
  }
  const { network, config } = classifier;
  const [h, w, c] = config.inputShape;
  const outputDim = output === 'features' ? config.featureDim : config.numClasses;
  const name = `${options.label ?? 'classifier'}/${output}`;
  const featureLayer = network.getLayer('features');
  const logitsLayer = network.getLayer('logits');
  const forward = (batch: tf.Tensor): tf.Tensor => {
    const x = batch.rank === 3 ? tf.expandDims(batch, -1) : batch;
    const shape = x.shape.slice(1);
    if (shape.length !== 3 || shape[0] !== h || shape[1] !== w || shape[2] !== c) {
      throw new Error(`${name}: images must be [n, ${h}, ${w}, ${c}] (or [n, ${h}, ${w}] when c = 1); got [${batch.shape.join(', ')}]`);
    }
    let y = x as tf.Tensor;
    for (const layer of network.layers) {
      y = layer.apply(y) as tf.Tensor;
      if (layer === featureLayer && output === 'features') return y;
      if (layer === logitsLayer) return tf.softmax(y);
    }
    return y;
  };
  return {
    name,
    outputDim,
    extract: (images, opts = {}) => extractInBatches(images, opts, outputDim, forward, name),
    dispose: () => {},
  };
}
