import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { Rbm } from '../src/index.js';

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

/** An RBM with N(0, std²) weights and biases, strong enough that its distribution is far from uniform. */
export function randomRbm(v: number, h: number, std: number, seed: number): Rbm {
  const rng = new Rng(seed);
  const w = tf.tensor2d(rng.normalArray(v * h, 0, std), [v, h]);
  const b = tf.tensor1d(rng.normalArray(v, 0, std));
  const c = tf.tensor1d(rng.normalArray(h, 0, std));
  const rbm = new Rbm(w, b, c);
  tf.dispose([w, b, c]);
  return rbm;
}
