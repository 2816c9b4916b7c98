import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '@scorekit/core';
import type { LayersNetwork } from './LayersNetwork.js';

/** The architecture of scorekit's small image classifier (saved as `config.json` beside its weights). */
export interface ClassifierNetworkConfig {
  /** [height, width, channels] of the images, e.g. [28, 28, 1]. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  /** Width of the penultimate layer, whose activations are the features. Default 64. */
  readonly featureDim?: number;
  /** Filters of the two stride-2 convolutions. Default [16, 32]. */
  readonly filters?: readonly [number, number];
}

/** The layer names of the network, in order. `features` is read for FID-style metrics. */
export const CLASSIFIER_LAYERS = ['conv1', 'conv2', 'flatten', 'features', 'logits'] as const;

/**
 * Builds scorekit's small classifier for 28 × 28 (or any small) images: two 3 × 3 stride-2 ReLU convolutions,
 * a dense ReLU layer `features` (the penultimate layer, read as features for a Fréchet classifier distance) and
 * a dense `logits` layer. Weights are He-normal from the seeded {@link Rng}, biases zero, so a seed fixes the
 * network on every backend.
 *
 * @example
 * const net = createClassifierNetwork({ inputShape: [28, 28, 1], numClasses: 10 }, new Rng(0));
 * const logits = net.predict(images) as tf.Tensor; // [n, 10]
 */
export function createClassifierNetwork(config: ClassifierNetworkConfig, rng: Rng): LayersNetwork {
  const [h, w, c] = config.inputShape;
  const featureDim = config.featureDim ?? 64;
  const [f1, f2] = config.filters ?? [16, 32];
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'conv1', inputShape: [h, w, c], filters: f1, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ name: 'conv2', filters: f2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'features', units: featureDim, activation: 'relu' }),
      tfl.layers.dense({ name: 'logits', units: config.numClasses }),
    ],
  });
  // He initialisation, std √(2 / fan_in) (He et al. 2015), drawn from scorekit's Rng rather than tfjs's own
  // random state so that training is reproducible from the seed alone.
  const values = model.getWeights().map((weight) => {
    if (weight.shape.length === 1) return tf.zeros(weight.shape);
    const fanIn = weight.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return tf.tensor(rng.normalArray(weight.size, 0, Math.sqrt(2 / fanIn)), weight.shape);
  });
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

/** Checks a {@link ClassifierNetworkConfig}, naming the field and the allowed values. */
export function checkClassifierConfig(config: ClassifierNetworkConfig, where: string): void {
  const shape = config?.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new Error(`${where}: inputShape must be [height, width, channels] with positive integers; got ${JSON.stringify(shape)}`);
  }
  if (!Number.isInteger(config.numClasses) || config.numClasses < 2) {
    throw new Error(`${where}: numClasses must be an integer ≥ 2; got ${String(config.numClasses)}`);
  }
  if (config.featureDim !== undefined && (!Number.isInteger(config.featureDim) || config.featureDim < 1)) {
    throw new Error(`${where}: featureDim must be a positive integer; got ${String(config.featureDim)}`);
  }
  const f = config.filters;
  if (f !== undefined && (!Array.isArray(f) || f.length !== 2 || !f.every((x) => Number.isInteger(x) && x >= 1))) {
    throw new Error(`${where}: filters must be two positive integers; got ${JSON.stringify(f)}`);
  }
}
