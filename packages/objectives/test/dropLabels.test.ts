import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { expect, it } from 'vitest';
import { dropLabels } from '../src/index.js';

it('dropLabels replaces a fraction p of labels by the null label and keeps the rest', () => {
  const n = 20000;
  const labels = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 10), 'int32');
  for (const p of [0, 0.1, 0.5, 1]) {
    const dropped = dropLabels(labels, { probability: p, nullLabel: 10 }, new Rng(3));
    const d = dropped.dataSync();
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      if (d[i] === 10) nulls++;
      else expect(d[i]).toBe(i % 10);
    }
    // Binomial(n, p): standard deviation √(p(1−p)/n) ≤ 0.0036; 4 sd = 0.015.
    expect(Math.abs(nulls / n - p)).toBeLessThan(0.015);
    dropped.dispose();
  }
  // The same seed gives the same mask.
  const a = dropLabels(labels, { probability: 0.3, nullLabel: 10 }, new Rng(5));
  const b = dropLabels(labels, { probability: 0.3, nullLabel: 10 }, new Rng(5));
  expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
  tf.dispose([labels, a, b]);
});

it('dropLabels: bad input — every problem in one error', () => {
  const f = tf.tensor1d([0, 1]);
  expect(() => dropLabels(f, { probability: 1.5, nullLabel: -1 }, new Rng(0))).toThrow(
    /labels must be an int32 tensor \[n\]; got float32 \[2\]; probability must be a number in \[0, 1\]; got 1.5; nullLabel must be an integer ≥ 0/,
  );
  f.dispose();
});
