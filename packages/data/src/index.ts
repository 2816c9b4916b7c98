// 2D distributions
export { GaussianMixture } from './twoD/GaussianMixture.js';
export type { GaussianMixtureConfig } from './twoD/GaussianMixture.js';
export { ncsnToyMixture } from './twoD/ncsnToyMixture.js';
export { twoMoons } from './twoD/twoMoons.js';
export { swissRoll } from './twoD/swissRoll.js';
export { checkerboard } from './twoD/checkerboard.js';
export { rings } from './twoD/rings.js';
export { sampleToyDataset, TOY_DATASET_NAMES } from './twoD/toyDatasets.js';
export type { ToyDatasetName } from './twoD/toyDatasets.js';

// Image datasets
export type { ImageDataset } from './images/ImageDataset.js';
export { DatasetError } from './images/DatasetError.js';
export { batches } from './images/batches.js';
export type { BatchesOptions, ImageBatch } from './images/batches.js';
