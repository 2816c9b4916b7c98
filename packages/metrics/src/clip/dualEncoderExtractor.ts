import type { FeatureExtractor } from '../extractors/FeatureExtractor.js';
import type { DualEncoder } from './DualEncoder.js';

/**
 * The image tower of a dual encoder as a {@link FeatureExtractor} (L2-normalised embeddings), e.g. to compute
 * FID or precision/recall in CLIP space. `dispose()` disposes the encoder.
 *
 * @example
 * const extractor = dualEncoderExtractor(await loadDualEncoder('runs/fashion-clip'));
 */
export function dualEncoderExtractor(encoder: DualEncoder): FeatureExtractor {
  return {
    name: `${encoder.name}/images`,
    outputDim: encoder.embedDim,
    extract: (images, options) => encoder.encodeImages(images, options),
    dispose: () => encoder.dispose(),
  };
}
