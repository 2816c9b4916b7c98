import * as tf from '@tensorflow/tfjs-core';

/** Validates a sample count for the 2D generators. */
export function requireCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: n must be a non-negative integer; got ${n}`);
}

/** Packs interleaved (x, y) values into an [n, 2] tensor. */
export function points(values: Float32Array, n: number): tf.Tensor2D {
  return tf.tensor2d(values, [n, 2]);
}
