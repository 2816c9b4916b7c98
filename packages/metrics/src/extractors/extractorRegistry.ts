import type { FeatureExtractor } from './FeatureExtractor.js';
import { identityExtractor } from './identityExtractor.js';
import type { IdentityExtractorConfig } from './identityExtractor.js';
import { loadTfjsModelExtractor } from './tfjsModelExtractor.js';
import type { TfjsModelExtractorConfig } from './tfjsModelExtractor.js';
import { loadClassifierExtractor } from './classifierExtractor.js';
import type { ClassifierExtractorConfig } from './classifierExtractor.js';
import { loadDualEncoderExtractor } from '../clip/dualEncoderExtractor.js';


const factories = new Map<string, (config: unknown) => FeatureExtractor | Promise<FeatureExtractor>>([
  ['identity', (c) => identityExtractor(c as IdentityExtractorConfig)],
  ['tfjs-model', (c) => loadTfjsModelExtractor(c as TfjsModelExtractorConfig)],
  ['classifier', (c) => loadClassifierExtractor(c as ClassifierExtractorConfig)],
  ['clip', (c) => loadDualEncoderExtractor(c as { path: string })],
]);

/**
 * Registers an extractor kind by name, so configs and the CLI can name it (scorekit's classifier and CLIP-style
 * dual encoders register here). Registering an existing name replaces it.
 *
 * @example
 * registerExtractor('my-net', (config: { path: string }) => loadTfjsModelExtractor({ ...config, layer: 'embed' }));
 */
export function registerExtractor<C>(name: string, factory: (config: C) => FeatureExtractor | Promise<FeatureExtractor>): void {
  if (typeof name !== 'string' || name === '') throw new Error('extractor name must be a non-empty string');
  factories.set(name, factory as (config: unknown) => FeatureExtractor | Promise<FeatureExtractor>);
}

/** The registered extractor names. */
export function extractorNames(): string[] {
  return [...factories.keys()];
}

/**
 * Creates a registered extractor: `identity` ({ dim }) and `tfjs-model` ({ path, layer?, inputRange?,
 * inputShape? }) `classifier` ({ path, output? }: a folder from saveClassifier) and `clip` ({ path }: the image tower of a
 * folder from saveDualEncoder) are built in. An unknown name throws an error listing the registered ones.
 *
 * @example
 * const extractor = await createExtractor('identity', { dim: 2 });
 */
export async function createExtractor(name: string, config: unknown): Promise<FeatureExtractor> {
  const factory = factories.get(name);
  if (factory === undefined) {
    throw new Error(`unknown feature extractor '${name}'; registered: ${extractorNames().join(', ')}`);
  }
  return factory(config);
}
