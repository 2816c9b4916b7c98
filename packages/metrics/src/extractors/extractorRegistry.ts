import type { FeatureExtractor } from './FeatureExtractor.js';
import { identityExtractor } from './identityExtractor.js';
import type { IdentityExtractorConfig } from './identityExtractor.js';
import { loadTfjsModelExtractor } from './tfjsModelExtractor.js';
import type { TfjsModelExtractorConfig } from './tfjsModelExtractor.js';


const factories = new Map<string, (config: unknown) => FeatureExtractor | Promise<FeatureExtractor>>([
  ['identity', (c) => identityExtractor(c as IdentityExtractorConfig)],
  ['tfjs-model', (c) => loadTfjsModelExtractor(c as TfjsModelExtractorConfig)],
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
 * inputShape? }) are built in. An unknown name throws an error listing the registered ones.
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
