import * as tf from '@tensorflow/tfjs-core';
import { extractInBatches } from '../internal/batchedExtraction.js';
import { integerOption } from '../internal/options.js';
import type { FeatureExtractor } from './FeatureExtractor.js';

export interface IdentityExtractorConfig {
  /** Number of values per sample (e.g. 2 for 2-D toy data, 784 for 28 × 28 images). */
  readonly dim: number;
}

/**
 * The identity "extractor": every sample flattened to a vector. For low-dimensional data (2-D mixtures, moons),
 * where metrics on the raw coordinates are the meaningful ones.
 *
 * @example
 * const features = await identityExtractor({ dim: 2 }).extract(samples); // samples: [n, 2]
 */
export function identityExtractor(config: IdentityExtractorConfig): FeatureExtractor {
  const dim = integerOption(config?.dim, NaN, 'dim', 1);
  const name = `identity:${dim}`;
  return {
    name,
    outputDim: dim,
    extract: (images, options = {}) => extractInBatches(images, options, dim, (b) => tf.reshape(b, [b.shape[0] ?? 0, -1]), name),
    dispose: () => {},
  };
}
