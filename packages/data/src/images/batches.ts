import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { ImageDataset } from './ImageDataset.js';

export interface BatchesOptions {
  /** Images per batch. */
  readonly batchSize: number;
  /** Source of the shuffle (required when shuffling). */
  readonly rng?: Rng;
  /** Visit the images in a random order drawn from `rng` (default true). */
  readonly shuffle?: boolean;
  /** Drop a last batch smaller than batchSize (default false). */
  readonly dropLast?: boolean;
}

/** One batch: images [b, h, w, c] and, when the dataset has labels, labels [b] (int32). The caller disposes them. */
export interface ImageBatch {
  readonly images: tf.Tensor4D;
  readonly labels?: tf.Tensor1D;
  /** Which dataset rows the batch holds. */
  readonly indices: Int32Array;
}

/**
 * One pass (epoch) over a dataset in batches, shuffled with a seeded {@link Rng} — the permutation is drawn when
 * the iteration starts, so the same rng state gives the same order on every backend and after a checkpoint resume.
 * Each batch's tensors belong to the caller (dispose them, or create them inside `tf.tidy`).
 *
 * @example
 * const rng = new Rng(0);
 * for (const { images, labels } of batches(data, { batchSize: 128, rng })) {
 *   trainStep(images, labels);
 *   tf.dispose([images, labels]);
 * }
 */
export function* batches(dataset: ImageDataset, options: BatchesOptions): Generator<ImageBatch> {
  const { batchSize } = options;
  const shuffle = options.shuffle ?? true;
  const [n, h, w, c] = dataset.shape;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batches: batchSize must be an integer ≥ 1, got ${batchSize}`);
  if (shuffle && options.rng == null) throw new Error('batches: shuffle needs options.rng (a seeded Rng), or pass shuffle: false');
  const order = shuffle ? (options.rng as Rng).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const pixels = h * w * c;
  const end = options.dropLast ? n - (n % batchSize) : n;
  for (let start = 0; start < end; start += batchSize) {
    const indices = order.slice(start, Math.min(start + batchSize, end));
    const b = indices.length;
    const buf = new Float32Array(b * pixels);
    indices.forEach((row, i) => buf.set(dataset.images.subarray(row * pixels, (row + 1) * pixels), i * pixels));
    const labels = dataset.labels ? Int32Array.from(indices, (row) => (dataset.labels as Int32Array)[row]) : undefined;
    yield {
      images: tf.tensor4d(buf, [b, h, w, c]),
      labels: labels ? tf.tensor1d(labels, 'int32') : undefined,
      indices,
    };
  }
}
