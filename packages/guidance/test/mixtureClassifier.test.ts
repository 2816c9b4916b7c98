import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { VeSde, VpSde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { mixtureClassifier } from '../src/index.js';
import { mixture } from './fixtures.js';

// p(k | x_t) in float64 on the host, written independently of the package (explicit 2 × 2 inverse and
// determinant of α²Σ_k + σ²I): the reference the float32 tensor path is checked against.
function hostPosterior(x: number[], alpha: number, sigma: number): number[] {
  const { weights, means, covariances } = mixture.toJSON();
  const logs = weights.map((w, k) => {
    const C = covariances![k];
    const a = alpha * alpha * C[0][0] + sigma * sigma;
    const b = alpha * alpha * C[0][1];
    const d = alpha * alpha * C[1][1] + sigma * sigma;
    const det = a * d - b * b;
    const u = x[0] - alpha * means[k][0];
    const v = x[1] - alpha * means[k][1];
    const quad = (d * u * u - 2 * b * u * v + a * v * v) / det;
    return Math.log(w / weights.reduce((p, q) => p + q, 0)) - 0.5 * quad - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
  });
  const max = Math.max(...logs);
  const z = logs.reduce((s, l) => s + Math.exp(l - max), 0);
  return logs.map((l) => l - max - Math.log(z));
}

describeOnBackends('mixtureClassifier', () => {
  it('log p(k | x_t, t) matches a float64 host computation at several t, on VP and VE', () => {
    const pts = [[0, 0], [-1.5, 0.3], [1.2, -1], [0.5, 1.6], [3, -2]];
    for (const sde of [new VpSde(), new VeSde({ sigmaMax: 10 })]) {
      const classifier = mixtureClassifier(mixture, sde);
      for (const t of [0.001, 0.2, 0.6, 1]) {
        const got = tf.tidy(() => classifier.logProbs(tf.tensor2d(pts), t).arraySync() as number[][]);
        const want = pts.map((p) => hostPosterior(p, sde.alpha(t), sde.sigma(t)));
        // float32 log-probabilities of magnitude ≤ ~20: a few ulps of the largest term, 1e-4 absolute.
        expectAllClose(got.flat(), want.flat(), 1e-4, 1e-5);
      }
    }
  });

  it('per-sample times give the same rows as one time each', () => {
    const classifier = mixtureClassifier(mixture, new VpSde());
    const x = tf.tensor2d([[0, 0], [1, -1]]);
    const both = classifier.logProbs(x, tf.tensor1d([0.1, 0.7]));
    const first = classifier.logProbs(x, 0.1);
    const second = classifier.logProbs(x, 0.7);
    // The tensor path computes α, σ in float32 from t; the number path in float64: agreement to ~1e-5.
    expectAllClose(tf.slice(both, [0, 0], [1, 3]), tf.slice(first, [0, 0], [1, 3]), 2e-5, 1e-5);
    expectAllClose(tf.slice(both, [1, 0], [1, 3]), tf.slice(second, [1, 0], [1, 3]), 2e-5, 1e-5);
    tf.dispose([x, both, first, second]);
  });

  it('far-apart components give exact 0/1 probabilities and finite gradients (log-sum-exp in float32)', () => {
    const far = mixtureClassifier({ weights: [0.5, 0.5], means: [[-40, 0], [40, 0]], stds: [0.1, 0.1] }, new VpSde());
    const x = tf.tensor2d([[-40, 0], [40, 0.1]]);
    const lp = far.logProbs(x, 0.001).arraySync() as number[][];
    expect(lp[0][0]).toBeCloseTo(0, 6);
    expect(lp[1][1]).toBeCloseTo(0, 6);
    expect(lp[0][1]).toBeLessThan(-1e4);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(far.logProbs(xx, 0.001), [0, 0], [-1, 1])))(x);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, g]);
  });
}, ['cpu', 'wasm']);

describeOnBackends('mixtureClassifier gradient', () => {
  it('∇ₓ log p(k | x_t) matches central finite differences (float64 host) for every class', () => {
    const sde = new VpSde();
    const classifier = mixtureClassifier(mixture, sde);
    const rng = new Rng(3);
    const pts = Array.from({ length: 6 }, () => Array.from(rng.normalArray(2, 0, 1.2)));
    const t = 0.3;
    const h = 1e-5;
    for (let k = 0; k < 3; k++) {
      const g = tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(classifier.logProbs(xx, t), [0, k], [-1, 1])))(tf.tensor2d(pts)).arraySync() as number[][]);
      const fd = pts.map((p) =>
        [0, 1].map((j) => {
          const plus = [...p];
          const minus = [...p];
          plus[j] += h;
          minus[j] -= h;
          return (hostPosterior(plus, sde.alpha(t), sde.sigma(t))[k] - hostPosterior(minus, sde.alpha(t), sde.sigma(t))[k]) / (2 * h);
        }),
      );
      // Central differences in float64 are exact to ~1e-9 here; the float32 autodiff gradient of O(1) values to ~1e-5.
      expectAllClose(g.flat(), fd.flat(), 5e-5, 1e-4);
    }
  });

  it('bad input: x of another dimension, a bad mixture, and no leaks', async () => {
    const classifier = mixtureClassifier(mixture, new VpSde());
    const x3 = tf.zeros([2, 3]);
    expect(() => classifier.logProbs(x3, 0.5)).toThrow(/x must have shape \[n, 2\]; got \[2,3\]/);
    x3.dispose();
    expect(() => mixtureClassifier({ weights: [1], means: [[0, 0]], stds: [-1] }, new VpSde())).toThrow(/stds\[0\] must be a positive number/);
    await expectNoTensorLeak(() => {
      const x = tf.ones([4, 2]);
      tf.dispose([classifier.logProbs(x, 0.2), x]);
    });
  });
}, ['cpu']);
