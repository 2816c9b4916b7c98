import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '@scorekit/test-utils';
import { clipScore } from '../src/index.js';

// Pair 1: cos = 4 / (√5 · 3) = 0.596284793…; pair 2: cos = −1/3. Both scores are simple float64 expressions.
const images = [
  [1, 2, 0],
  [-1, 0, 0],
];
const texts = [
  [2, 1, 2],
  [1, 2, 2],
];

describe('clipScore', () => {
  it('torchmetrics: 100 · max(mean cosine, 0) = 13.1475730', () => {
    expectClose(clipScore(images, texts), 13.147573, 5e-7);
    expectClose(clipScore(images, texts), (100 * (4 / (3 * Math.sqrt(5)) - 1 / 3)) / 2, 1e-12);
  });

  it('Hessel et al.: mean of 2.5 · max(cosine, 0) = 0.7453560, and w can change', () => {
    expectClose(clipScore(images, texts, { style: 'hessel' }), 0.745356, 5e-8);
    expectClose(clipScore(images, texts, { style: 'hessel', w: 1 }), 2 / (3 * Math.sqrt(5)), 1e-12);
  });

  it('is scale-invariant per row, clamps a negative mean at 0, and accepts tensors', () => {
    const scaled = [images[0].map((v) => 7 * v), images[1]];
    expectClose(clipScore(tf.tensor2d(scaled), texts), clipScore(images, texts), 1e-12);
    expect(clipScore([[1, 0]], [[-1, 0]])).toBe(0);
  });

  it('rejects unpaired shapes and zero embeddings', () => {
    expect(() => clipScore(images, texts.slice(0, 1))).toThrow(/paired embeddings of equal shape; got \[2, 3\] and \[1, 3\]/);
    expect(() => clipScore([[0, 0, 0]], [[1, 0, 0]])).toThrow(/images row 0 is all zeros/);
    expect(() => clipScore(images, texts, { style: 'openai' as never })).toThrow(/style must be one of torchmetrics, hessel/);
  });
});
