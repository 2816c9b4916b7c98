// Node-only entry point (`@scorekit/guidance/node`): noisy classifiers on disk. The main entry stays free of Node
// built-ins so that it bundles for browsers as it is.
export { saveNoisyClassifier } from './saveNoisyClassifier.js';
export { loadNoisyClassifier } from './loadNoisyClassifier.js';
export type { LoadNoisyClassifierOptions } from './loadNoisyClassifier.js';
