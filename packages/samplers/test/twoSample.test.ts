import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { GaussianMixture } from '@scorekit/data';
import { expectClose, twoSampleMmd, twoSampleSlicedWasserstein, twoSampleTest } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { target } from './fixtures.js';

// Tests of the two-sample statistics in @scorekit/test-utils (they have no test runner of their own).
describe('twoSampleMmd', () => {
  it('is an unbiased estimate of MMD² between two Gaussians (closed form)', () => {
    // For x ~ N(μ₁, s₁²I), y ~ N(μ₂, s₂²I) in d dims and k = exp(−‖x−y‖²/(2h²)):
    // E k(x, y) = (h²/(h² + s₁² + s₂²))^{d/2} · exp(−‖μ₁−μ₂‖²/(2(h² + s₁² + s₂²))).
    const d = 2;
    const h = 1.5;
    const ek = (s1: number, s2: number, dist2: number) => {
      const v = h * h + s1 * s1 + s2 * s2;
      return (h * h / v) ** (d / 2) * Math.exp(-dist2 / (2 * v));
    };
    const truth = ek(1, 1, 0) + ek(1.3, 1.3, 0) - 2 * ek(1, 1.3, 0.25);
    const rng = new Rng(1);
    const reps = 30;
    const values: number[] = [];
    for (let r = 0; r < reps; r++) {
      const x = rng.normal([200, 2]);
      const y = tf.add(tf.mul(rng.normal([200, 2]), 1.3), tf.tensor1d([0.5, 0]));
      values.push(twoSampleMmd(x, y, { bandwidth: h }).mmd2);
      tf.dispose([x, y]);
    }
    const mean = values.reduce((a, b) => a + b, 0) / reps;
    const se = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1) / reps);
    // Unbiased: the mean of 30 replicates lies within 4 standard errors of the closed form.
    expectClose(mean, truth, 4 * se, 0, 'mean MMD²');
    expect(truth).toBeGreaterThan(8 * se); // and the test could tell it from zero
  });

  it('takes the median pairwise distance as bandwidth', () => {
    // Three collinear points 0, 1, 3 and one more at 6: distances 1, 3, 6, 2, 5, 3 → median 3.
    const { bandwidths } = twoSampleMmd([[0], [1]], [[3], [6]]);
    expect(bandwidths).toEqual([3]);
  });
});

describe('twoSampleTest', () => {
  it('rejects exact-vs-exact samples at about the stated rate (level 0.05)', () => {
    // 60 independent pairs of exact samples (n = 150 each): rejections ~ Binomial(60, 0.05), mean 3; P(≥ 9) ≈ 0.4%.
    // The p-values are uniform under H₀: their mean is 0.5 ± 0.037 (std of U(0,1) / √60), so within ±0.15.
    let rejections = 0;
    let sumP = 0;
    const rng = new Rng(11);
    for (let r = 0; r < 60; r++) {
      const x = target.sample(150, rng);
      const y = target.sample(150, rng);
      const result = twoSampleTest(x, y, { level: 0.05, permutations: 100, seed: r });
      if (result.reject) rejections++;
      sumP += result.pValue;
      tf.dispose([x, y]);
    }
    expect(rejections).toBeLessThanOrEqual(8);
    expectClose(sumP / 60, 0.5, 0.15, 0, 'mean p-value');
  });

  it('rejects samples whose noise is scaled by 1.2', () => {
    const wide = new GaussianMixture({
      weights: [0.65, 0.35],
      means: [[-0.6, 0.3], [0.9, -0.4]],
      covariances: [
        [[0.5 * 1.44, 0.2 * 1.44], [0.2 * 1.44, 0.35 * 1.44]],
        [[0.25 * 1.44, 0], [0, 0.45 * 1.44]],
      ],
    });
    // n = 1500 per side: a 20% wider spread then sits 6–7 null spreads above the null (measured), where n = 1000
    // gives only 2–4 — this is the sample size the test needs for this alternative.
    const exact = target.sample(1500, new Rng(3));
    const same = target.sample(1500, new Rng(4));
    const broken = wide.sample(1500, new Rng(4));
    const ok = twoSampleTest(same, exact, { level: 0.01, permutations: 100 });
    const bad = twoSampleTest(broken, exact, { level: 0.01, permutations: 100 });
    expect(ok.reject).toBe(false);
    expect(bad.reject).toBe(true);
    // The threshold is the null's (1 − level) quantile: above the null mean by a few null spreads.
    expect(bad.mmd2).toBeGreaterThan(bad.threshold);
    expect(ok.threshold).toBeGreaterThan(ok.nullMean);
    tf.dispose([exact, same, broken]);
  });

  it('names what is wrong with bad input', () => {
    expect(() => twoSampleTest([[0, 1], [1, 2]], [[0], [1]])).toThrow(/same dimension/);
    expect(() => twoSampleTest([[0, 1], [1, 2]], [[0, 1], [2, 2]], { level: 2 })).toThrow(/level must be in \(0, 1\)/);
    expect(() => twoSampleMmd([[0, 1], [1, 2]], [[0, 1], [2, 2]], { bandwidth: -1 })).toThrow(/bandwidth must be/);
  });
});

describe('twoSampleSlicedWasserstein', () => {
  it('equals ‖δ‖/√2 for a sample and its translate by δ in 2D', () => {
    // Projections of x and x + δ differ by θ·δ exactly, so SW₂² = E_θ(θ·δ)² = ‖δ‖²/2 over uniform directions; with
    // 4096 random directions the Monte Carlo mean of cos² is within ~2% (std of cos² is 0.35/√4096 ≈ 0.0055 of 0.5).
    const x = new Rng(5).normal([300, 2]);
    const y = tf.add(x, tf.tensor1d([0.6, -0.8]));
    expectClose(twoSampleSlicedWasserstein(x, y, { projections: 4096 }), 1 / Math.SQRT2, 0.02 / Math.SQRT2, 0, 'SW');
    expect(twoSampleSlicedWasserstein(x, x)).toBe(0);
    tf.dispose([x, y]);
  });
});
