import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@scorekit/core';

/** [p, n] random ±1 patterns. */
export function randomPatterns(p: number, n: number, rng: Rng): tf.Tensor2D {
  const v = new Float32Array(p * n);
  for (let i = 0; i < v.length; i++) v[i] = rng.nextFloat() < 0.5 ? -1 : 1;
  return tf.tensor2d(v, [p, n]);
}

/** A random symmetric [n, n] matrix with N(0, 1/n) entries and a zero diagonal. */
export function randomSymmetric(n: number, rng: Rng): tf.Tensor2D {
  const g = rng.normalArray(n * n, 0, 1 / Math.sqrt(n));
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) w[i * n + j] = w[j * n + i] = g[i * n + j];
  return tf.tensor2d(w, [n, n]);
}

/** Every binary vector of length `bits` as rows of a [2^bits, bits] array (most significant digit first). */
export function allBinary(bits: number): number[][] {
  return Array.from({ length: 2 ** bits }, (_, r) => Array.from({ length: bits }, (_, j) => (r >> (bits - 1 - j)) & 1));
}
