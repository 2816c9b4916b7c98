import type { FeatureExtractor } from './FeatureExtractor.js';
import { classifierExtractor, type ClassifierExtractorConfig } from './classifierExtractor.js';
import { loadClassifier } from './loadClassifier.js';

/**
 * Loads a saved classifier as a feature extractor that owns it (its `dispose()` frees the weights): the
 * `classifier` kind of {@link createExtractor}, `classifier:<dir>` in the CLI.
 *
 * @example
 * const extractor = await createExtractor('classifier', { path: 'runs/mnist-classifier' });
 */
export async function loadClassifierExtractor(config: ClassifierExtractorConfig): Promise<FeatureExtractor> {
  if (typeof config?.path !== 'string' || config.path === '') {
    throw new Error('classifier extractor needs { path: a folder written by saveClassifier }');
  }
  const classifier = await loadClassifier(config.path);
  const inner = classifierExtractor(classifier, { ...config, label: config.label ?? `classifier:${config.path}` });
  return { ...inner, dispose: () => classifier.network.dispose() };
}
