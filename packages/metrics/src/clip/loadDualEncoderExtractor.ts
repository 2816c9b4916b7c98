import type { FeatureExtractor } from '../extractors/FeatureExtractor.js';
import { dualEncoderExtractor } from './dualEncoderExtractor.js';
import { loadDualEncoder } from './loadDualEncoder.js';

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
