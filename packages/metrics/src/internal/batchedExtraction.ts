import * as tf from '@tensorflow/tfjs-core';
import type { ExtractedFeatures, ExtractOptions, ImageSource } from '../extractors/FeatureExtractor.js';
import { integerOption } from './options.js';

/**
 * Runs `forward` (a synchronous function of one batch returning [batch, outputDim] or anything that flattens to
 * it) over every batch inside its own `tf.tidy`, downloads each result and concatenates them.
 */
export async function extractInBatches(
  images: ImageSource,
  options: ExtractOptions,
  outputDim: number,
  forward: (batch: tf.Tensor) => tf.Tensor,
  extractorName: string,
): Promise<ExtractedFeatures> {
  const batchSize = integerOption(options.batchSize, 64, 'batchSize', 1);
  const chunks: Float32Array[] = [];
  let done = 0;
  const run = async (batch: tf.Tensor, total: number | undefined): Promise<void> => {
    if (!(batch instanceof tf.Tensor)) throw new Error(`${extractorName}: every batch must be a tf.Tensor`);
    const n = batch.shape[0] ?? 0;
    const features = tf.tidy(() => tf.reshape(forward(batch), [n, -1]));
    try {
      if (features.shape[1] !== outputDim) {
        throw new Error(`${extractorName}: expected ${outputDim} features per image, got ${features.shape[1]}`);
      }
      chunks.push((await features.data()) as Float32Array);
    } finally {
      features.dispose();
    }
    done += n;
    options.onProgress?.(done, total);
  };
  if (images instanceof tf.Tensor) {
    const n = images.shape[0];
    if (images.rank < 2 || n === undefined) {
      throw new Error(`${extractorName}: images must have a batch dimension first; got shape [${images.shape.join(', ')}]`);
    }
    for (let i = 0; i < n; i += batchSize) {
      const size = Math.min(batchSize, n - i);
      const batch = tf.slice(images, [i], [size]);
      try {
        await run(batch, n);
      } finally {
        batch.dispose();
      }
    }
  } else if (images !== null && typeof images === 'object' && (Symbol.asyncIterator in images || Symbol.iterator in images)) {
    for await (const batch of images as AsyncIterable<tf.Tensor>) await run(batch, undefined);
  } else {
    throw new Error(`${extractorName}: images must be a tf.Tensor or an (async) iterable of tf.Tensor batches`);
  }
  const data = new Float32Array(done * outputDim);
  let offset = 0;
  for (const c of chunks) {
    data.set(c, offset);
    offset += c.length;
  }
  return { data, shape: [done, outputDim] };
}
