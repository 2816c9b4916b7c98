import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { DdpmSde, SubVpSde, VeSde, VpSde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectClose } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { GaussianMixture } from '../src/index.js';

// A 2D mixture with a full, correlated covariance, an isotropic and a diagonal component.
const config = {
  weights: [0.5, 0.3, 0.2],
  means: [[1, -1], [-2, 0.5], [0, 3]],
  covariances: [
    [[1.0, 0.6], [0.6, 0.8]],
    [[0.25, 0], [0, 0.25]],
    [[2.0, 0], [0, 0.1]],
  ],
};

// Independent float64 reference: the bivariate normal density written out with an explicit 2 × 2 inverse.
function logDensity(x: number[], alpha = 1, sigma = 0): number {
  let p = 0;
  config.weights.forEach((w, k) => {
    const [[a, b], [, d]] = config.covariances[k];
    const A = alpha * alpha * a + sigma * sigma;
    const B = alpha * alpha * b;
    const D = alpha * alpha * d + sigma * sigma;
    const det = A * D - B * B;
    const u = x[0] - alpha * config.means[k][0];
    const v = x[1] - alpha * config.means[k][1];
    const q = (D * u * u - 2 * B * u * v + A * v * v) / det;
    p += (w / (2 * Math.PI * Math.sqrt(det))) * Math.exp(-0.5 * q);
  });
  return Math.log(p);
}

const pts = [[0.3, -0.2], [1.5, -1.1], [-2.2, 0.7], [0.1, 2.6], [4, 4]];

describeOnBackends('GaussianMixture', () => {
  it('log-density matches the closed form', () => {
    const gm = new GaussianMixture(config);
    // float32 evaluation of O(10) log terms: 1e-5 absolute.
    expectAllClose(gm.logProb(tf.tensor2d(pts)), pts.map((p) => logDensity(p)), 1e-5, 1e-5);
  });

  it('score is the gradient of the log-density (central differences in float64)', () => {
    const gm = new GaussianMixture(config);
    const h = 1e-5;
    const expected = pts.flatMap((p) => [0, 1].map((j) => {
      const plus = [...p];
      const minus = [...p];
      plus[j] += h;
      minus[j] -= h;
      return (logDensity(plus) - logDensity(minus)) / (2 * h);
    }));
    // float32 score vs a float64 difference quotient (error ~1e-10): tolerance set by float32, 1e-4 relative.
    expectAllClose(gm.score(tf.tensor2d(pts)), expected, 1e-4, 1e-4);
  });

  for (const sde of [new VpSde(), new SubVpSde(), new VeSde({ sigmaMax: 5 }), new DdpmSde({ schedule: 'cosine' })]) {
    it(`${sde.name}: p_t is the mixture with means αμ and covariances α²Σ + σ²I`, () => {
      const gm = new GaussianMixture(config);
      const ts = [0.05, 0.3, 0.6, 0.9, 0.999];
      const x = tf.tensor2d(pts);
      const t = tf.tensor1d(ts);
      const logp = gm.logProbAt(x, t, sde).arraySync();
      const score = gm.scoreFn(sde)(x, t).arraySync() as number[][];
      ts.forEach((ti, i) => {
        const a = sde.alpha(ti);
        const s = sde.sigma(ti);
        expectClose(logp[i], logDensity(pts[i], a, s), 1e-4, 1e-5, `log p_t at t=${ti}`);
        const ref = gm.perturbed(a, s).score(tf.tensor2d([pts[i]])).arraySync()[0];
        expectAllClose(score[i], ref, 1e-4, 1e-4);
      });
    });
  }

  it('samples have the mixture mean, covariance and weights', () => {
    const gm = new GaussianMixture(config);
    const n = 40_000;
    const { x, labels } = gm.sampleWithLabels(n, new Rng(3));
    const { mean, variance } = tf.moments(x, 0);
    const m = gm.mean();
    const cov = gm.covariance();
    // standard errors: √(var/n) ≈ 0.01 for the mean, var·√(2/n) ≈ 0.02 for the variance at var ≈ 2.9.
    expectAllClose(mean, m, 0.05);
    expectAllClose(variance, [cov[0][0], cov[1][1]], 0.1, 0.03);
    const frac = [0, 1, 2].map((k) => labels.filter((l) => l === k).length / n);
    frac.forEach((f, k) => expectClose(f, config.weights[k], 5 * Math.sqrt(0.25 / n)));
    tf.dispose([x, mean, variance]);
  });

  it('diagonal and isotropic stds are covariances in disguise', () => {
    const a = new GaussianMixture({ weights: [1, 3], means: [[0, 0], [1, 1]], stds: [2, [1, 0.5]] });
    const b = new GaussianMixture({ weights: [0.25, 0.75], means: [[0, 0], [1, 1]], covariances: [[[4, 0], [0, 4]], [[1, 0], [0, 0.25]]] });
    expectAllClose(a.logProb(tf.tensor2d(pts)), b.logProb(tf.tensor2d(pts)), 1e-5);
  });
});

describe('GaussianMixture validation', () => {
  it('reports every problem, naming the field', () => {
    expect(() => new GaussianMixture({ weights: [], means: [] } as never)).toThrow(/weights must be a non-empty array/);
    expect(() => GaussianMixture.fromJSON({ weights: [1, 1], means: [[0, 0]], stds: [1, 1] })).toThrow(/means must be an array of 2 mean vectors/);
    expect(() => GaussianMixture.fromJSON({ weights: [1], means: [[0, 0]] })).toThrow(/exactly one of covariances/);
    expect(() => GaussianMixture.fromJSON({ weights: [1], means: [[0, 0]], covariances: [[[1, 2], [0, 1]]] })).toThrow(/covariances\[0\] must be symmetric/);
    expect(() => GaussianMixture.fromJSON({ weights: [1], means: [[0, 0]], covariances: [[[1, 2], [2, 1]]] })).toThrow(/positive definite/);
    expect(() => GaussianMixture.fromJSON({ weights: [1], means: [[0, 0]], stds: [-1] })).toThrow(/stds\[0\] must be a positive number/);
    expect(() => new GaussianMixture(config).score(tf.zeros([3, 3]))).toThrow(/x must have shape \[n, 2\]/);
    try {
      GaussianMixture.fromJSON({ weights: [-1], means: [[0, 0]] });
    } catch (e) {
      expect((e as Error).message).toMatch(/weights must be[\s\S]*exactly one of covariances/); // both at once
    }
  });
});

describeOnBackends('GaussianMixture.denoiser', () => {
  it('predictAtNoise gives the posterior mean of x̄ = x₀ + σ̄ε: closed form for one Gaussian, Tweedie for a mixture', () => {
    // One component N(μ, Σ): E[x₀ | x̄] = μ + Σ(Σ + σ̄²I)⁻¹(x̄ − μ), written out with the explicit 2 × 2 inverse.
    const single = new GaussianMixture({ weights: [1], means: [[1, -1]], covariances: [[[1.0, 0.6], [0.6, 0.8]]] });
    const xbar = [[0.3, 2.0], [-1.5, 0.1], [4, -3]];
    for (const s of [0.05, 1, 20]) {
      const c = [[1 + s * s, 0.6], [0.6, 0.8 + s * s]];
      const det = c[0]![0]! * c[1]![1]! - 0.36;
      const inv = [[c[1]![1]! / det, -0.6 / det], [-0.6 / det, c[0]![0]! / det]];
      const want = xbar.map(([a, b]) => {
        const r = [a! - 1, b! + 1];
        const w = [inv[0]![0]! * r[0]! + inv[0]![1]! * r[1]!, inv[1]![0]! * r[0]! + inv[1]![1]! * r[1]!];
        return [1 + 1.0 * w[0]! + 0.6 * w[1]!, -1 + 0.6 * w[0]! + 0.8 * w[1]!];
      });
      const x = tf.tensor2d(xbar);
      const got = tf.tidy(() => single.denoiser(new VeSde()).predictAtNoise!(x, s).x0);
      // float32 arithmetic on O(1) numbers: 1e-5 relative.
      expectAllClose(got, tf.tensor2d(want), 1e-5, 1e-5);
      tf.dispose([x, got]);
    }
    // A mixture: the σ̄ path equals Tweedie's x̂₀ = (x + σ²s)/α from the exact score in t, with x = α·x̄ at t(σ̄).
    const gm = new GaussianMixture(config);
    const sde = new VpSde();
    const d = gm.denoiser(sde);
    for (const s of [0.1, 1, 5]) {
      const t = sde.timeForNoiseRatio(s);
      const x = tf.tensor2d(xbar);
      const [viaNoise, viaTime] = tf.tidy(() => [d.predictAtNoise!(x, s).x0, d.predict(tf.mul(x, sde.alpha(t)), t).x0]);
      // Tweedie's x + σ²s cancels digits as σ̄ grows (σ̄ = 5 against component variances ≥ 0.1): 1e-4.
      expectAllClose(viaNoise!, viaTime!, 1e-4, 1e-4);
      tf.dispose([x, viaNoise!, viaTime!]);
    }
    expect(() => d.predictAtNoise!(tf.zeros([1, 2]), 0)).toThrow(/sigmaBar must be a finite number > 0/);
  });
});
