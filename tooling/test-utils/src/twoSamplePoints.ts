import * as tf from '@tensorflow/tfjs-core';

/** Points for the two-sample statistics: an [n, d] tensor (any rank ≥ 1; trailing dimensions are flattened) or rows. */
export type TwoSamplePoints = tf.Tensor | readonly (readonly number[])[];

/** Row-major float64 copy of a point set with its size n and dimension d. */
export interface TwoSampleMatrix {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
}

/**
 * Copies points into a row-major float64 matrix, flattening all but the first dimension, with a clear error for
 * empty or ragged input.
 *
 * @example
 * const { data, n, d } = twoSamplePoints(tf.randomNormal([100, 2]), 'x');
 */
export function twoSamplePoints(points: TwoSamplePoints, name: string): TwoSampleMatrix {
  if (points instanceof tf.Tensor) {
    if (points.rank < 1 || points.shape[0] === 0) throw new Error(`${name} must be a non-empty [n, ...] tensor; got shape [${points.shape.join(',')}]`);
    const n = points.shape[0];
    return { data: Float64Array.from(points.dataSync()), n, d: points.size / n };
  }
  if (!Array.isArray(points) || points.length === 0) throw new Error(`${name} must be a non-empty array of points or an [n, d] tensor`);
  const d = points[0].length;
  const data = new Float64Array(points.length * d);
  points.forEach((row, i) => {
    if (row.length !== d) throw new Error(`${name}[${i}] has ${row.length} coordinates; expected ${d} like ${name}[0]`);
    for (let j = 0; j < d; j++) data[i * d + j] = row[j];
  });
  return { data, n: points.length, d };
}
