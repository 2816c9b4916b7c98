import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { VeSde, VpSde, ncsnSigmas, PREDICTION_KINDS } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { dsmLoss, dsmLosses, exactScoreMatchingLosses, ncsnLoss, ncsnLosses, type ScoreFunction } from '../src/index.js';
import { derivativeStats, exactDenoiser, exactScore, gaussian, meanAndSe, mixture, scalar, scaleBy, take, tinyScoreNet } from './helpers.js';

describeOnBackends('denoising score matching at one σ', () => {
  for (const sigma of [0.5, 0.2]) {
    it(`DSM − exact SM on the σ = ${sigma} noised data is the constant d/(2σ²) for every model`, () => {
      // Common random numbers: DSM draws x̃ = x + σz; exact SM is evaluated at the very same x̃. Then
      // DSM − ESM = ½‖z‖²/σ² + sᵀz/σ − tr ∂s/∂x(x̃) per sample, whose mean is d/(2σ²) for any s (Vincent 2011).
      const n = 4000;
      const x = mixture.sample(n, new Rng(1));
      const z = new Rng(2).normal(x.shape);
      const xTilde = tf.add(x, tf.mul(z, sigma));
      const models: [string, ScoreFunction][] = [
        ['exact score of p_σ', exactScore(mixture, sigma)],
        ['0.5 × exact', exactScore(mixture, sigma, 0.5)],
        ['1.5 × exact', exactScore(mixture, sigma, 1.5)],
        ['random tanh network', tinyScoreNet(3).score],
      ];
      const esmMeans: number[] = [];
      for (const [name, score] of models) {
        const dsm = take(dsmLosses(score, x, z, { sigma }));
        const esm = take(exactScoreMatchingLosses(score, xTilde));
        const { mean, se } = meanAndSe(dsm.map((v, i) => v - esm[i]));
        // 4 standard errors (SE ≈ 2% of the constant at σ = 0.5, 5% at σ = 0.2).
        expectClose(mean, 2 / (2 * sigma * sigma), 4 * se, 0, `${name}: DSM − ESM`);
        esmMeans.push(meanAndSe(esm).mean);
      }
      // The models' objectives really differ (else the test would be vacuous), and the exact score is the best.
      expect(Math.min(...esmMeans.slice(1)) - esmMeans[0]).toBeGreaterThan(0.05);
    });
  }

  it('DSM of the true score of N(μ, s²I) equals d/(2σ²) − d/(2(s² + σ²)); mean reduction is 2/D of the sum', () => {
    const data = gaussian([1, -2], 0.6);
    const sigma = 0.3;
    const x = data.sample(4000, new Rng(3));
    const z = new Rng(4).normal(x.shape);
    const perSample = take(dsmLosses(exactScore(data, sigma), x, z, { sigma }));
    const { mean, se } = meanAndSe(perSample);
    expectClose(mean, 1 / (sigma * sigma) - 1 / (0.36 + sigma * sigma), 4 * se);
    // 'mean' is the plain mean of squares over D = 2 dimensions: exactly (2/D)·(½Σ) per sample (float32 rounding).
    expectAllClose(dsmLosses(exactScore(data, sigma), x, z, { sigma, reduce: 'mean' }), perSample, 1e-5, 1e-5);
  });

  it('DSM is minimised by the true score of p_σ (zero slope, positive curvature in s·(1 + c))', () => {
    const sigma = 0.3;
    const stats = derivativeStats((c, seed) => {
      const rng = new Rng(seed);
      return scalar(dsmLoss(exactScore(mixture, sigma, 1 + c), mixture.sample(400, rng), rng, { sigma }));
    }, 12);
    // 4.5 SE on 12 batches (t₁₁ tail ≈ 1e-3); a 50% scale error would give a slope of C, far beyond that.
    expect(Math.abs(stats.slope.mean)).toBeLessThan(4.5 * stats.slope.se);
    expect(stats.curvature.mean).toBeGreaterThan(4.5 * stats.slope.se);
  });
});

describeOnBackends('NCSN multi-σ DSM with σ² weighting', () => {
  const sdes = [new VeSde({ sigmaMax: 10 }), new VpSde()];
  for (const sde of sdes) {
    it(`${sde.name}: per level, the loss of the true score is ½d·s²/(s² + σ²) — and the ladder average`, () => {
      // At level σ on the data scale the model sees x_t = α(x + σz); ε̂ − z is Gaussian with per-dimension variance
      // s²/(s² + σ²) for data N(μ, s²I), whatever α — so ½Σ(ε̂ − z)² has mean ½d·s²/(s² + σ²).
      const data = gaussian([0.5, 0.5], 0.8);
      const model = exactDenoiser(data, sde, 'eps');
      const n = 3000;
      const x = data.sample(n, new Rng(5));
      const z = new Rng(6).normal(x.shape);
      for (const level of [1, 0.2, 0.01]) {
        const { mean, se } = meanAndSe(take(ncsnLosses(model, x, new Float64Array(n).fill(level), z)));
        expectClose(mean, (0.64 / (0.64 + level * level)), 4 * se, 0, `σ = ${level}`);
      }
      // The full objective averages over a uniform level: E = mean over the ladder (NCSN default 1 → 0.01, L = 10).
      const ladder = Array.from(ncsnSigmas());
      const expected = ladder.reduce((a, s) => a + 0.64 / (0.64 + s * s), 0) / ladder.length;
      const batches = Array.from({ length: 10 }, (_, k) => {
        const rng = new Rng(100 + k);
        return scalar(ncsnLoss(model, data.sample(500, rng), rng));
      });
      const { mean, se } = meanAndSe(batches);
      expectClose(mean, expected, 4.5 * se, 0, 'ladder average'); // 10 batches: t₉, 4.5 SE
    });
  }

  for (const kind of PREDICTION_KINDS) {
    it(`is minimised by the true score with the model's output as ${kind} (VE and VP)`, () => {
      for (const sde of sdes) {
        const stats = derivativeStats((c, seed) => {
          const rng = new Rng(seed);
          return scalar(ncsnLoss(exactDenoiser(mixture, sde, kind, scaleBy(c)), mixture.sample(300, rng), rng, { sigmaBegin: 2, sigmaEnd: 0.05, levels: 6 }));
        }, 10);
        // 10 batches: 4.5 SE (t₉ tail ≈ 1.5e-3); the curvature shows a 50% error in the raw output would be seen.
        expect(Math.abs(stats.slope.mean), `${sde.name}: slope ${stats.slope.mean} ± ${stats.slope.se}`).toBeLessThan(4.5 * stats.slope.se);
        expect(stats.curvature.mean).toBeGreaterThan(4.5 * stats.slope.se);
      }
    });
  }

  it('explicit ladders, wrong levels and bad options give clear errors', () => {
    const model = exactDenoiser(mixture, new VeSde({ sigmaMax: 10 }), 'score');
    const x = mixture.sample(8, new Rng(1));
    expect(() => ncsnLoss(model, x, new Rng(1), { sigmas: [20] })).toThrow(/σ = 20 is outside what the model's 've' SDE reaches: σ\(t\)\/α\(t\) ∈ \[0.01, 10\]/);
    expect(() => ncsnLoss(model, x, new Rng(1), { sigmas: [1, 0.1], levels: 4 })).toThrow(/give either sigmas or levels/);
    expect(() => ncsnLoss(model, x, new Rng(1), { sigmaBegin: 0.01, sigmaEnd: 1, reduce: 'max' as never })).toThrow(
      /reduce must be one of 'sum', 'mean'[\s\S]*sigmaBegin \(0.01\) must be larger than sigmaEnd \(1\)/,
    );
    expect(() => ncsnLosses(model, x, [1, 2], new Rng(1).normal([8, 2]))).toThrow(/noiseLevels must hold one number per sample \(8\); got length 2/);
    expect(() => dsmLoss(exactScore(mixture), x, new Rng(0), { sigma: -1 })).toThrow(/dsm.sigma must be a number > 0, got -1/);
    // an explicit ladder is used as given: a single level reproduces ncsnLosses at that level
    const rng = new Rng(7);
    const single = scalar(ncsnLoss(model, x, rng, { sigmas: [0.5] }));
    const z = new Rng(7);
    for (let i = 0; i < 8; i++) z.randint(0, 1); // the loss draws the levels first, then the noise
    expectClose(single, scalar(tf.mean(ncsnLosses(model, x, new Float64Array(8).fill(0.5), z.normal([8, 2])))), 1e-6, 1e-6);
  });

  it('leaves no tensors behind', async () => {
    const model = exactDenoiser(mixture, new VeSde(), 'eps');
    const x = mixture.sample(16, new Rng(1));
    await expectNoTensorLeak(() => {
      scalar(ncsnLoss(model, x, new Rng(1)));
      scalar(dsmLoss(exactScore(mixture, 0.1), x, new Rng(1), { sigma: 0.1 }));
    });
  });
});
