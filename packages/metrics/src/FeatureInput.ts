import type * as tf from '@tensorflow/tfjs-core';

/** A flat row-major array of `shape[0]` samples × `shape[1]` features. */
export interface FlatFeatures {
  readonly data: Float32Array | Float64Array;
  readonly shape: readonly [number, number];
}

/**
 * An n × d feature matrix, in any of the forms the metrics accept: rows as `number[][]`, a flat
 * `Float32Array`/`Float64Array` with its shape, or a 2-D `tf.Tensor` (read once, never disposed by the metric).
 * Flat typed arrays are used in place without copying, so pass them for large sets.
 *
 * @example
 * const a: FeatureInput = [[0, 1], [2, 3]];
 * const b: FeatureInput = { data: new Float32Array([0, 1, 2, 3]), shape: [2, 2] };
 * const c: FeatureInput = tf.tensor2d([[0, 1], [2, 3]]);
 */
export type FeatureInput = readonly (readonly number[])[] | FlatFeatures | tf.Tensor;
