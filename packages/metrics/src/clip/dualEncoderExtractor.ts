import type { FeatureExtractor } from '../extractors/FeatureExtractor.js';
import type { DualEncoder } from './DualEncoder.js';
import { loadDualEncoder } from './loadDualEncoder.js';

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

/**
 * Loads a saved dual encoder's image tower as an extractor: the `clip` kind of {@link createExtractor},
 * `--features clip:<dir>` in the CLI.
 *
 * @example
 * const extractor = await createExtractor('clip', { path: 'runs/fashion-clip' });
 */
export async function loadDualEncoderExtractor(config: { readonly path: string }): Promise<FeatureExtractor> {
  if (typeof config?.path !== 'string' || config.path === '') {
    throw new Error('clip extractor needs { path: a folder written by saveDualEncoder }');
  }
  const encoder = await loadDualEncoder(config.path);
  const inner = dualEncoderExtractor(encoder);
  return { ...inner, name: `clip:${config.path}/images` };
}
