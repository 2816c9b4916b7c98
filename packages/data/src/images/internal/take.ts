import type { ImageDataset } from '../ImageDataset.js';

/** The first `count` images of a dataset. */
export function take(data: ImageDataset, count: number, n: number, where: string): ImageDataset {
  if (!Number.isInteger(count) || count < 1 || count > n) {
    throw new Error(`${where}: count must be an integer in [1, ${n}], got ${count}`);
  }
  const [, h, w, c] = data.shape;
  return {
    ...data,
    images: data.images.slice(0, count * h * w * c),
    labels: data.labels?.slice(0, count),
    shape: [count, h, w, c],
  };
}
