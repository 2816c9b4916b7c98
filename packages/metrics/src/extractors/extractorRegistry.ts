import type { FeatureExtractor } from './FeatureExtractor.js';
import { identityExtractor } from './identityExtractor.js';
import type { IdentityExtractorConfig } from './identityExtractor.js';

// The kinds that read folders from disk (tfjs-model, classifier, clip) are registered by `@scorekit/metrics/node`
// (registerFileExtractors.ts), so the browser entry carries no file IO.
const FILE_KINDS = ['tfjs-model', 'classifier', 'clip'];

const factories = new Map<string, (config: unknown) => FeatureExtractor | Promise<FeatureExtractor>>([
  ['identity', (c) => identityExtractor(c as IdentityExtractorConfig)],
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
 * Creates a registered extractor: `identity` ({ dim }) is built in; importing `@scorekit/metrics/node` adds
 * `tfjs-model` ({ path, layer?, inputRange?, inputShape? }), `classifier` ({ path, output? }: a folder from
 * saveClassifier) and `clip` ({ path }: the image tower of a folder from saveDualEncoder). An unknown name throws an error listing the registered ones.
 *
 * @example
 * const extractor = await createExtractor('identity', { dim: 2 });
 */
export async function createExtractor(name: string, config: unknown): Promise<FeatureExtractor> {
  const factory = factories.get(name);
  if (factory === undefined) {
    const hint = FILE_KINDS.includes(name) ? ` ('${name}' reads files: import '@scorekit/metrics/node' to register it)` : '';
    throw new Error(`unknown feature extractor '${name}'${hint}; registered: ${extractorNames().join(', ')}`);
  }
  return factory(config);
}
