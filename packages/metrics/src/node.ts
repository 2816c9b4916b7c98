// Node-only entry point (`@scorekit/metrics/node`): extractors, classifiers and statistics read from and written to
// disk. Importing it registers the file-based extractor kinds (tfjs-model, classifier, clip) with createExtractor.
// The main entry (`@scorekit/metrics`) stays free of Node built-ins so that it bundles for browsers as it is.
import './extractors/registerFileExtractors.js';

export { saveFeatureStatistics, loadFeatureStatistics } from './featureStatisticsFileIo.js';
export { loadTfjsModelExtractor } from './extractors/tfjsModelExtractor.js';
export type { TfjsModelExtractorConfig } from './extractors/tfjsModelExtractor.js';
export { saveClassifier, CLASSIFIER_FORMAT } from './extractors/saveClassifier.js';
export { loadClassifier } from './extractors/loadClassifier.js';
export { loadClassifierExtractor } from './extractors/loadClassifierExtractor.js';
export { saveDualEncoder, DUAL_ENCODER_FORMAT } from './clip/saveDualEncoder.js';
export { loadDualEncoder } from './clip/loadDualEncoder.js';
export { loadDualEncoderExtractor } from './clip/loadDualEncoderExtractor.js';
