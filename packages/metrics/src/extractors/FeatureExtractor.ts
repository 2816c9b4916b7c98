import type * as tf from '@tensorflow/tfjs-core';

/** Images to extract features from: one tensor (split into batches for you) or batches you produce one by one. */
export type ImageSource = tf.Tensor | Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>;

export interface ExtractOptions {
  /** Images per forward pass when `images` is a single tensor. Default 64. */
  readonly batchSize?: number;
  /** Called after every batch with the samples done so far and the total (undefined for iterables). */
  readonly onProgress?: (done: number, total: number | undefined) => void;
}

/** Extracted features: a flat row-major Float32Array, n × outputDim — directly a {@link FeatureInput}. */
export interface ExtractedFeatures {
  readonly data: Float32Array;
  readonly shape: readonly [number, number];
}

/**
 * Turns images (NHWC, float32, values in [−1, 1] as everywhere in scorekit) into feature vectors for FID, KID,
 * precision/recall and friends. Extraction runs batch by batch, each forward pass inside `tf.tidy`, so memory
 * stays flat however many images pass through; input tensors are never disposed by the extractor.
 *
 * @example
 * const extractor = await createExtractor('tfjs-model', { path: './inception-v3-tfjs', layer: 'pool_3' });
 * const real = await extractor.extract(realImages, { onProgress: (i, n) => console.log(`${i}/${n}`) });
 * const fake = await extractor.extract(sampleBatches());
 * console.log(extractor.name, fid(real, fake));
 * extractor.dispose();
 */
export interface FeatureExtractor {
  /** A name that identifies the extractor and layer in reports, e.g. `tfjs-model:inception-v3/pool_3`. */
  readonly name: string;
  /** Length of each feature vector. */
  readonly outputDim: number;
  extract(images: ImageSource, options?: ExtractOptions): Promise<ExtractedFeatures>;
  /** Releases the model's weights. */
  dispose(): void;
}
