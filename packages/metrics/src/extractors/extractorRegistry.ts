import { ConfigError, defineRegistry, optionChecks, resolveOptions, type OptionSpec, type Registry } from '@scorekit/core';
import type { FeatureExtractor } from './FeatureExtractor.js';
import { identityExtractor } from './identityExtractor.js';
import type { IdentityExtractorConfig } from './identityExtractor.js';

// The kinds that read folders from disk (tfjs-model, classifier, clip) are registered by `@scorekit/metrics/node`
// (registerFileExtractors.ts), so the browser entry carries no file IO.
const FILE_KINDS = ['tfjs-model', 'classifier', 'clip'];

const IDENTITY_SPEC: OptionSpec<IdentityExtractorConfig> = { dim: optionChecks.integerAtLeast(1) };

/**
 * The feature extractors as a registry of `@scorekit/core`'s one shape: `names()`, each extractor's option `spec`,
 * `resolve({ name, ...options })` returning every problem with its path and the allowed values, and `create` (a
 * promise: file kinds load a model). Kinds registered without a spec check their own config when they load.
 * `name` names the extractor, as in every registry; an extractor's label in reports is its `label` option.
 *
 * @example
 * extractorRegistry.resolve({ name: 'identity', dim: 0 }); // { ok: false, issues: [{ path: 'dim', allowed: 'an integer ≥ 1', … }] }
 */
export const extractorRegistry: Registry<Promise<FeatureExtractor>> = defineRegistry<Promise<FeatureExtractor>>('feature extractor', [
  { name: 'identity', spec: IDENTITY_SPEC, create: async (c: IdentityExtractorConfig) => identityExtractor(c) },
]);

/**
 * Registers an extractor kind by name, so configs and the CLI can name it (scorekit's classifier and CLIP-style
 * dual encoders register here). Registering an existing name replaces it. With an option `spec`, configs are
 * checked against it (every problem at once) before the factory runs; without one the factory checks its own.
 *
 * @example
 * registerExtractor('my-net', (config: { path: string }) => loadTfjsModelExtractor({ ...config, layer: 'embed' }));
 */
export function registerExtractor<C>(
  name: string,
  factory: (config: C) => FeatureExtractor | Promise<FeatureExtractor>,
  spec?: OptionSpec<C & object>,
): void {
  if (typeof name !== 'string' || name === '') throw new Error('extractor name must be a non-empty string');
  extractorRegistry.register<Record<string, unknown>>({
    name,
    spec: (spec ?? {}) as OptionSpec<Record<string, unknown>>,
    ...(spec == null ? { resolve: (options: Record<string, unknown>) => ({ ok: true as const, value: options }) } : {}),
    create: async (config) => factory(config as C),
  });
}

/** The registered extractor names. */
export function extractorNames(): string[] {
  return extractorRegistry.names();
}

/**
 * Creates a registered extractor: `identity` ({ dim }) is built in; importing `@scorekit/metrics/node` adds
 * `tfjs-model` ({ path, layer?, inputRange?, inputShape? }), `classifier` ({ path, output? }: a folder from
 * saveClassifier) and `clip` ({ path }: the image tower of a folder from saveDualEncoder). An unknown name, or
 * options its spec refuses, throw one `ConfigError` (`@scorekit/core`) listing the registered names or every
 * problem.
 *
 * @example
 * const extractor = await createExtractor('identity', { dim: 2 });
 */
export async function createExtractor(name: string, config: unknown): Promise<FeatureExtractor> {
  const entry = typeof name === 'string' ? extractorRegistry.entry(name) : undefined;
  if (entry === undefined) {
    const hint = FILE_KINDS.includes(name) ? ` ('${name}' reads files: import '@scorekit/metrics/node' to register it)` : '';
    const allowed = extractorNames().join(', ');
    throw new ConfigError('feature extractor', [{ path: 'name', problem: `${JSON.stringify(name)} is not a registered feature extractor`, allowed }], `unknown feature extractor '${name}'${hint}; registered: ${allowed}`);
  }
  // The entry's own checks on the options alone (the name is given apart).
  const r = entry.resolve != null && config != null && typeof config === 'object' && !Array.isArray(config) ? entry.resolve(config as Record<string, unknown>) : resolveOptions(config, entry.spec);
  if (!r.ok) throw new ConfigError(`feature extractor '${name}'`, r.issues);
  // Kinds without a spec get their config as given (their factory checks it).
  return entry.create((entry.resolve != null ? config : r.value) as Record<string, unknown>);
}
