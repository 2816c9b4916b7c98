import { registerExtractor } from './extractorRegistry.js';
import { loadTfjsModelExtractor, type TfjsModelExtractorConfig } from './tfjsModelExtractor.js';
import { loadClassifierExtractor } from './loadClassifierExtractor.js';
import type { ClassifierExtractorConfig } from './classifierExtractor.js';
import { loadDualEncoderExtractor } from '../clip/loadDualEncoderExtractor.js';

// The extractor kinds that read a folder from disk, registered when `@scorekit/metrics/node` is imported (this file
// is listed in package.json's sideEffects).
registerExtractor('tfjs-model', (c: TfjsModelExtractorConfig) => loadTfjsModelExtractor(c));
registerExtractor('classifier', (c: ClassifierExtractorConfig) => loadClassifierExtractor(c));
registerExtractor('clip', (c: { path: string }) => loadDualEncoderExtractor(c));
