import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { VeSde, VpSde, type ScoreFn, type Sde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { bitsPerDim, dequantize, divergence, likelihood } from '../src/index.js';
import { target } from './fixtures.js';

const EPS = 1e-5;

/** max |log p_T(z) − prior(z)| over z: how far the SDE's prior is from the true p_T, a floor on any ODE likelihood error. */
function priorMismatch(sde: Sde, z: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(target.logProbAt(z, tf.fill([z.shape[0]], sde.T), sde), sde.priorLogp(z)))).dataSync()[0]);
}

describeOnBackends('likelihood through the probability-flow ODE', () => {
  for (const sde of [new VpSde(), new VeSde({ sigmaMax: 10 })]) {
    it(`${sde.name}: log p(x) with the exact divergence matches the mixture's closed form`, async () => {
      const x = target.sample(40, new Rng(1));
      const r = await likelihood(x, { score: target.scoreFn(sde), sde, eps: EPS });
      const exact = target.logProbAt(x, tf.fill([40], EPS), sde);
      // Tolerance: the prior's mismatch with the true p_T (computed), plus 5e-3 for RK45 at rtol = atol = 1e-5 on
      // |Δ log p| ≲ 10 accumulated in float32.
      expectAllClose(r.logp, exact, priorMismatch(sde, r.latents) + 5e-3);
      // At eps = 1e-5 the marginal is the data distribution to within 1e-4 in log-density here.
      expectAllClose(r.logp, target.logProb(x), priorMismatch(sde, r.latents) + 6e-3);
      expect(r.nfe).toBeGreaterThan(10);
      tf.dispose([x, exact, r.logp, r.bitsPerDim, r.priorLogp, r.deltaLogp, r.latents]);
    });
  }

  it('Hutchinson estimates are unbiased: their mean error over probes is zero within a standard error', async () => {
    const sde = new VpSde();
    const n = 200;
    const x = target.sample(n, new Rng(2));
    const score = target.scoreFn(sde);
    const exact = await likelihood(x, { score, sde, estimator: 'exact' });
    for (const probe of ['rademacher', 'gaussian'] as const) {
      const h = await likelihood(x, { score, sde, estimator: 'hutchinson', probe, seed: 3 });
      // One probe per sample: the n differences are independent draws of the estimator's error.
      const diff = tf.sub(h.logp, exact.logp);
      const { mean, variance } = tf.moments(diff);
      const m = mean.dataSync()[0];
      const se = Math.sqrt(variance.dataSync()[0] / n);
      expect(Math.abs(m), `${probe}: mean error ${m}, standard error ${se}`).toBeLessThanOrEqual(4 * se + 2e-3);
      expect(se).toBeGreaterThan(0); // the estimator is genuinely random in 2D
      tf.dispose([diff, mean, variance, h.logp, h.bitsPerDim, h.priorLogp, h.deltaLogp, h.latents]);
    }
    tf.dispose([x, exact.logp, exact.bitsPerDim, exact.priorLogp, exact.deltaLogp, exact.latents]);
  });

  it('bits/dim of a tiny image-shaped Gaussian match the closed form (dequantised-data offset 7)', async () => {
    // Data N(0, s²I) in [n, 2, 2, 1] (D = 4); under VP p_t = N(0, vI), v = α²s² + σ², so s(x, t) = −x/v and
    // log p_eps(x) = −‖x‖²/(2v) − (D/2)·ln(2πv). Its Jacobian is −I/v: Rademacher Hutchinson is exact here.
    const sde = new VpSde();
    const s = 0.5;
    const score: ScoreFn = (x, t) =>
      tf.tidy(() => {
        const { alpha, sigma } = sde.marginalCoefficients(t);
        const v = tf.add(tf.mul(tf.square(alpha), s * s), tf.square(sigma));
        return tf.neg(tf.div(x, tf.reshape(v, [-1, 1, 1, 1])));
      });
    const x = new Rng(4).normal([6, 2, 2, 1], 0, s);
    const r = await likelihood(x, { score, sde, estimator: 'hutchinson', seed: 5, bitsPerDimOffset: 7 });
    const v = sde.alpha(EPS) ** 2 * s * s + sde.sigma(EPS) ** 2;
    const sq = tf.sum(tf.reshape(tf.square(x), [6, 4]), 1).dataSync();
    const expected = Array.from(sq, (q) => (q / (2 * v) + 2 * Math.log(2 * Math.PI * v)) / (4 * Math.LN2) + 7);
    // p_T = N(0, α(1)²s² + σ(1)²) differs from the N(0, 1) prior by 3e-5 in variance: negligible; 2e-3 bits/dim
    // covers the ODE tolerance.
    expectAllClose(r.bitsPerDim, expected, 2e-3);
    tf.dispose([x, r.logp, r.bitsPerDim, r.priorLogp, r.deltaLogp, r.latents]);
  });

  it('does not leak tensors', async () => {
    const sde = new VpSde();
    const x = target.sample(8, new Rng(6));
    await expectNoTensorLeak(async () => {
      const r = await likelihood(x, { score: target.scoreFn(sde), sde, method: 'rk4', steps: 5, estimator: 'hutchinson', seed: 1 });
      tf.dispose([r.logp, r.bitsPerDim, r.priorLogp, r.deltaLogp, r.latents]);
    });
    x.dispose();
  });
});

describeOnBackends('divergence', () => {
  const sde = new VpSde();
  const score = target.scoreFn(sde);
  const x = tf.tensor2d([[0.3, -0.2], [-1.1, 0.8], [1.4, -0.9]]);
  const t = 0.05;
  const field = (v: tf.Tensor) => score(v, tf.fill([v.shape[0]], t));

  it('exact: matches central differences of the score', () => {
    const { value, output } = divergence(field, x, { estimator: 'exact' });
    const h = 1e-2;
    const fd = tf.tidy(() => {
      let total = tf.zeros([3]);
      for (let j = 0; j < 2; j++) {
        const e = tf.mul(tf.cast(tf.oneHot(tf.fill([3], j, 'int32'), 2), 'float32'), h);
        const plus = tf.slice(field(tf.add(x, e)), [0, j], [3, 1]);
        const minus = tf.slice(field(tf.sub(x, e)), [0, j], [3, 1]);
        total = tf.add(total, tf.reshape(tf.div(tf.sub(plus, minus), 2 * h), [3]));
      }
      return total;
    });
    // O(h²) truncation with third derivatives ≲ 10 plus float32 rounding of the difference (1e-6/h): 2e-3.
    expectAllClose(value, fd, 2e-3, 1e-3);
    expectAllClose(output, field(x), 1e-6);
    tf.dispose([value, output, fd]);
  });

  it('Hutchinson: the mean over 2000 probes matches the exact divergence within 4 standard errors', () => {
    const { value: exact, output } = divergence(field, x, { estimator: 'exact' });
    for (const probe of ['rademacher', 'gaussian'] as const) {
      const M = 2000;
      const tiled = tf.tile(x, [M, 1]);
      const { value, output: o2 } = divergence(field, tiled, { estimator: 'hutchinson', probe, rng: new Rng(9) });
      const est = tf.reshape(value, [M, 3]);
      const { mean, variance } = tf.moments(est, 0);
      const m = mean.dataSync();
      const sd = variance.dataSync();
      const e = exact.dataSync();
      for (let i = 0; i < 3; i++) expectClose(m[i], e[i], 4 * Math.sqrt(sd[i] / M) + 1e-5, 0, `${probe} divergence at point ${i}`);
      tf.dispose([tiled, value, o2, est, mean, variance]);
    }
    tf.dispose([exact, output]);
  });
});

describe('bits/dim and dequantisation', () => {
  it('bitsPerDim is −log p/(D ln 2) + offset', () => {
    const bpd = bitsPerDim(tf.tensor1d([-4 * 3 * Math.LN2, 0]), 4, 7);
    expectAllClose(bpd, [3 + 7, 7], 1e-5);
    expect(() => bitsPerDim(tf.tensor1d([0]), 0)).toThrow(/dims must be a positive integer/);
  });

  it('dequantize spreads pixel k uniformly over [k, k+1)/256, scaled to [−1, 1]', () => {
    const rng = new Rng(7);
    const pixels = tf.tensor(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256), [256, 4, 4, 1], 'int32');
    const { x, offset } = dequantize(pixels, rng);
    expect(offset).toBe(7);
    const u = tf.sub(tf.mul(tf.div(tf.add(x, 1), 2), 256), tf.cast(pixels, 'float32'));
    const values = u.dataSync();
    // u = 256·(x+1)/2 − k must be U[0, 1): float32 rounding of x near 1 allows 1e-4.
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1e-4);
    expect(Math.max(...values)).toBeLessThan(1 + 1e-4);
    const { mean, variance } = tf.moments(u);
    // Mean 1/2 with standard error √(1/12/4096) = 0.0045; variance 1/12 with s.e. ≈ √(1/180/4096) = 0.0012.
    expectClose(mean.dataSync()[0], 0.5, 4 * 0.0045, 0, 'mean of u');
    expectClose(variance.dataSync()[0], 1 / 12, 4 * 0.0012, 0, 'variance of u');
    const zeroOne = dequantize(pixels, rng, { range: 'zero-one' });
    expect(zeroOne.offset).toBe(8);
    expect(tf.min(zeroOne.x).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(() => dequantize(tf.tensor1d([0.5]), rng)).toThrow(/integers in 0…255; element 0 is 0.5/);
    tf.dispose([pixels, x, u, mean, variance, zeroOne.x]);
  });
});
