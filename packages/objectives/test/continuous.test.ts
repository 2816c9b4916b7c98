import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { DdpmSde, PREDICTION_KINDS, SubVpSde, VeSde, VpSde, predictionFrom, tidyPrediction, timeCoefficients, type Sde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  LOSS_WEIGHTINGS,
  continuousDsmLoss,
  continuousDsmLosses,
  createTimeSampler,
  ddpmLoss,
  ddpmLosses,
  lossWeight,
  type ContinuousDsmOptions,
  type DenoiserModel,
  type LossWeighting,
} from '../src/index.js';
import { ddpmChainBrokenAtT1, derivativeStats, exactDenoiser, gaussian, integrateLog, meanAndSe, mixture, scalar, scaleBy, take } from './helpers.js';

const sdes: Sde[] = [new VpSde(), new SubVpSde(), new VeSde({ sigmaMax: 10 }), new DdpmSde({ schedule: 'cosine' })];

describe('importance sampling of t', () => {
  for (const sde of sdes) {
    for (const weighting of LOSS_WEIGHTINGS) {
      it(`${sde.name}, ${weighting}: q(t) ∝ λ(t)/σ(t)², normalised, sampled by its CDF, weights 1/((T−eps)·q)`, () => {
        const eps = 1e-4;
        const sampler = createTimeSampler(sde, { weighting, eps, importanceSampling: true });
        const shape = (t: number) => lossWeight(sde, weighting, t) / sde.sigma(t) ** 2;
        // Shape: q·σ²/λ is constant. Closed forms are exact; the tabulated density ('none', VP-like SDEs) is
        // piecewise constant on intervals of relative width ≤ 1.1%, so it matches to ~1%: allow 3%.
        const probes = [eps, 3e-4, 0.01, 0.1, 0.37, 0.8, 1];
        const ratios = probes.map((t) => sampler.density(t) / shape(t));
        for (const r of ratios) expectClose(r, ratios[3], 0, sampler.method === 'tabulated' ? 0.03 : 1e-9);
        // Normalised: Simpson in ln t with 40000 steps (the tabulated density's jumps cost < 1e-4).
        expectClose(integrateLog((t) => sampler.density(t), eps, 1, 40000), 1, 2e-3);
        // Samples follow the density: empirical CDF at a few points vs ∫q (quadrature error ≤ 2e-3, as above),
        // 20000 draws, 4.5 binomial SEs.
        const { t, weights } = sampler.sample(20000, new Rng(4));
        for (const q of [3e-4, 0.01, 0.2, 0.6]) {
          const p = Math.min(integrateLog((u) => sampler.density(u), eps, q, 20000), 1);
          const frac = t.filter((v) => v <= q).length / t.length;
          expectClose(frac, p, 4.5 * Math.sqrt((p * (1 - p)) / t.length) + 2e-3, 0, `P(t ≤ ${q})`);
        }
        expect(Math.min(...t)).toBeGreaterThanOrEqual(eps);
        expect(Math.max(...t)).toBeLessThanOrEqual(1);
        // The weights are exactly 1/((T − eps)·q(t)) for the density the times were drawn from.
        for (let i = 0; i < 50; i++) expectClose(weights[i], 1 / ((1 - eps) * sampler.density(t[i])), 0, 1e-9);
        expect(sampler.method).toBe(weighting === 'sigma2' ? 'uniform' : weighting === 'likelihood' ? 'log-snr' : 'tabulated');
      });
    }
  }

  it('likelihood weighting on VE is uniform: g²/σ² = 2 ln(σ_max/σ_min) is constant', () => {
    const sampler = createTimeSampler(new VeSde(), { weighting: 'likelihood', importanceSampling: true });
    expectClose(sampler.density(0.2), 1 / (1 - 1e-5), 0, 1e-9);
    expectClose(sampler.density(0.9), 1 / (1 - 1e-5), 0, 1e-9);
  });

  it('rejects bad options, listing every problem', () => {
    expect(() => createTimeSampler(new VpSde(), { weighting: 'g2' as never, eps: 2, importanceSampling: 'yes' as never })).toThrow(
      /weighting must be one of 'sigma2', 'likelihood', 'none', got 'g2'[\s\S]*eps must be a number in \(0, 1\), got 2[\s\S]*importanceSampling must be true or false/,
    );
  });
});

/** E‖s* − ∇log p_0t‖² for data N(μ, s²I) in d dimensions: d/σ² − d/(α²s² + σ²). */
function gaussianDsm(sde: Sde, s2: number, d: number, t: number): number {
  const a2 = sde.alpha(t) ** 2;
  const v = sde.sigma(t) ** 2;
  return (d * a2 * s2) / (v * (a2 * s2 + v));
}

describeOnBackends('continuous-time denoising score matching', () => {
  const data = gaussian([0.5, -0.5], 0.7);
  const cases: [Sde, LossWeighting, boolean, number][] = [
    [new VpSde(), 'sigma2', false, 1e-5],
    [new VpSde(), 'likelihood', true, 1e-5],
    [new VpSde(), 'likelihood', false, 1e-2],
    [new VpSde(), 'none', true, 1e-3],
    [new SubVpSde(), 'likelihood', true, 1e-5],
    [new VeSde({ sigmaMax: 10 }), 'sigma2', false, 1e-5],
    [new VeSde({ sigmaMax: 10 }), 'none', true, 1e-5],
    [new DdpmSde(), 'likelihood', true, 1e-3],
  ];
  for (const [sde, weighting, importanceSampling, eps] of cases) {
    it(`${sde.name}, λ = ${weighting}, ${importanceSampling ? 'importance' : 'uniform'} t ≥ ${eps}: E[loss] of the true score is its closed form`, () => {
      // E_t λ(t)·½·E‖s* − ∇log p_0t‖² over t ~ U(eps, 1) ('sum' reduction), integrated in float64.
      const expected = integrateLog((t) => lossWeight(sde, weighting, t) * 0.5 * gaussianDsm(sde, 0.49, 2, t), eps, 1, 20000) / (1 - eps);
      const model = exactDenoiser(data, sde, 'eps');
      const values = Array.from({ length: 16 }, (_, k) => {
        const rng = new Rng(10 + k);
        return scalar(continuousDsmLoss(model, data.sample(500, rng), rng, { weighting, importanceSampling, eps }));
      });
      const { mean, se } = meanAndSe(values);
      // 16 batches of 500: 4.5 SE (t₁₅ tail ≈ 4e-4).
      expectClose(mean, expected, 4.5 * se, 0, `${mean} ± ${se} vs ${expected}`);
      expect(se / expected).toBeLessThan(0.1); // the estimate is precise enough to mean something
    });
  }

  for (const weighting of ['likelihood', 'none'] as const) {
    it(`importance-sampled and uniform λ = ${weighting} losses have the same expectation (common data and noise seeds)`, () => {
      // Any model will do — here one whose ε̂ is 1.4× too large, so the loss is not the true score's.
      const sde = new VpSde();
      const model = exactDenoiser(mixture, sde, 'eps', scaleBy(0.4));
      const eps = 1e-2;
      const diffs = Array.from({ length: 16 }, (_, k) => {
        const loss = (importanceSampling: boolean) => {
          const rng = new Rng(50 + k);
          return scalar(continuousDsmLoss(model, mixture.sample(500, new Rng(900 + k)), rng, { weighting, importanceSampling, eps }));
        };
        return loss(true) - loss(false);
      });
      const { mean, se } = meanAndSe(diffs);
      const uniform = scalar(continuousDsmLoss(model, mixture.sample(500, new Rng(1)), new Rng(2), { weighting, eps }));
      expectClose(mean, 0, 4.5 * se, 0, `IS − uniform = ${mean} ± ${se}`);
      expect(se).toBeLessThan(0.05 * uniform); // and the comparison is sharp: SE < 5% of the loss itself
    });
  }

  const minimised: [string, Sde, (model: DenoiserModel, x: tf.Tensor, rng: Rng) => tf.Scalar][] = [
    ['VP, λ = σ²', new VpSde(), (m, x, r) => continuousDsmLoss(m, x, r)],
    ['VP, λ = g², importance sampled', new VpSde(), (m, x, r) => continuousDsmLoss(m, x, r, { weighting: 'likelihood', importanceSampling: true })],
    ['VP, λ = 1, importance sampled', new VpSde(), (m, x, r) => continuousDsmLoss(m, x, r, { weighting: 'none', importanceSampling: true, eps: 1e-3 })],
    ['sub-VP, λ = g², importance sampled', new SubVpSde(), (m, x, r) => continuousDsmLoss(m, x, r, { weighting: 'likelihood', importanceSampling: true })],
    ['VE, λ = σ²', new VeSde({ sigmaMax: 10 }), (m, x, r) => continuousDsmLoss(m, x, r, { reduce: 'mean' })],
    ['DDPM chain, λ = σ²', new DdpmSde({ schedule: 'cosine' }), (m, x, r) => continuousDsmLoss(m, x, r)],
    ['DDPM objective', new DdpmSde(), (m, x, r) => ddpmLoss(m, x, r)],
  ];
  for (const [name, sde, objective] of minimised) {
    it(`${name}: minimised by the true score for every output parameterisation`, (ctx) => {
      if (name === 'DDPM objective' && ddpmChainBrokenAtT1()) ctx.skip('DdpmSde fails at t = 1 on this backend (clipByValue on int32); see test/helpers.ts');
      for (const kind of PREDICTION_KINDS) {
        const stats = derivativeStats((c, seed) => {
          const rng = new Rng(seed);
          return scalar(objective(exactDenoiser(mixture, sde, kind, scaleBy(c)), mixture.sample(300, rng), rng));
        }, 10);
        // 10 batches: slope within 4.5 SE of 0 (t₉ tail ≈ 1.5e-3); positive curvature large enough that a 50%
        // error in the raw output would have shown.
        expect(Math.abs(stats.slope.mean), `${kind}: slope ${stats.slope.mean} ± ${stats.slope.se}`).toBeLessThan(4.5 * stats.slope.se);
        expect(stats.curvature.mean, `${kind}: curvature`).toBeGreaterThan(4.5 * stats.slope.se);
      }
    });
  }

  it('DDPM ε loss equals continuous DSM with λ = σ² (mean reduction) on the DDPM SDE at the grid times t_i = (i+1)/N', (ctx) => {
    if (ddpmChainBrokenAtT1()) ctx.skip('DdpmSde fails at t = 1 on this backend (clipByValue on int32); see test/helpers.ts');
    const sde = new DdpmSde();
    const model = exactDenoiser(mixture, sde, 'v', scaleBy(0.3)); // not the true score: the losses are O(1)
    const steps = [0, 1, 10, 250, 500, 998, 999, 37];
    const x0 = mixture.sample(steps.length, new Rng(1));
    const z = new Rng(2).normal(x0.shape);
    const ddpm = take(ddpmLosses(model, x0, steps, z));
    const continuous = take(continuousDsmLosses(model, x0, steps.map((i) => sde.timeOfStep(i)), z, { weighting: 'sigma2', reduce: 'mean' }));
    // Different routes to x_t (the float64 ᾱ table vs the SDE's float32 marginal) agree to float32 precision.
    expectAllClose(ddpm, continuous, 1e-4, 1e-3);
    // By hand: x = √ᾱᵢ x₀ + √(1 − ᾱᵢ) z with the chain's ᾱ, ε̂ from the model at tᵢ, then mean((ε̂ − z)²).
    const x0v = x0.arraySync() as number[][];
    const zv = z.arraySync() as number[][];
    const xt = tf.tensor2d(steps.map((i, j) => x0v[j].map((v, k) => Math.sqrt(sde.alphasCumprod[i]) * v + Math.sqrt(1 - sde.alphasCumprod[i]) * zv[j][k])));
    const epsHat = model.predict(xt, tf.tensor1d(steps.map((i) => (i + 1) / 1000))).eps.arraySync() as number[][];
    expectAllClose(ddpm, epsHat.map((e, j) => ((e[0] - zv[j][0]) ** 2 + (e[1] - zv[j][1]) ** 2) / 2), 1e-4, 1e-3);
    expect(Math.max(...ddpm)).toBeGreaterThan(1e-2); // the model is wrong enough for the comparison to bite
  });

  it('DDPM loss of the true score of N(μ, s²I) is (1/N)Σᵢ ᾱᵢs²/(ᾱᵢs² + 1 − ᾱᵢ)', (ctx) => {
    if (ddpmChainBrokenAtT1()) ctx.skip('DdpmSde fails at t = 1 on this backend (clipByValue on int32); see test/helpers.ts');
    const sde = new DdpmSde();
    let expected = 0;
    for (let i = 0; i < sde.N; i++) {
      const ab = sde.alphasCumprod[i];
      expected += (ab * 0.49) / (ab * 0.49 + 1 - ab) / sde.N;
    }
    const model = exactDenoiser(data, sde, 'x0');
    const values = Array.from({ length: 12 }, (_, k) => {
      const rng = new Rng(30 + k);
      return scalar(ddpmLoss(model, data.sample(500, rng), rng));
    });
    const { mean, se } = meanAndSe(values);
    expectClose(mean, expected, 4.5 * se); // 12 batches, t₁₁: 4.5 SE
  });

  it('image-shaped data [n, 4, 4, 1]: the true score of N(0, s²I) has the closed-form loss, D = 16', () => {
    // Score of p_t = N(0, (α²s² + σ²)I) written directly for any shape.
    const sde = new VpSde();
    const s2 = 0.25;
    const model: DenoiserModel = {
      sde,
      predict: (x, t) =>
        tidyPrediction(() => {
          const { alpha, sigma } = timeCoefficients(sde, t, x);
          const v = tf.reshape(tf.add(tf.mul(tf.square(alpha), s2), tf.square(sigma)), [-1, 1, 1, 1]);
          return predictionFrom('score', tf.neg(tf.div(x, v)), x, alpha, sigma);
        }),
    };
    const expected = integrateLog((t) => lossWeight(sde, 'likelihood', t) * 0.5 * gaussianDsm(sde, s2, 16, t), 1e-5, 1, 20000) / (1 - 1e-5);
    const values = Array.from({ length: 12 }, (_, k) => {
      const rng = new Rng(70 + k);
      return scalar(continuousDsmLoss(model, rng.normal([200, 4, 4, 1], 0, 0.5), rng, { weighting: 'likelihood', importanceSampling: true }));
    });
    const { mean, se } = meanAndSe(values);
    expectClose(mean, expected, 4.5 * se, 0, `${mean} ± ${se} vs ${expected}`); // 12 batches: t₁₁, 4.5 SE
  });

  it('rejects wrong SDEs, times and options with clear messages', () => {
    const x = mixture.sample(4, new Rng(1));
    const vp = exactDenoiser(mixture, new VpSde(), 'eps');
    expect(() => ddpmLoss(vp, x, new Rng(1))).toThrow(/must be the discrete DDPM chain \(sde 'ddpm'[\s\S]*got 'vp'[\s\S]*'continuous-dsm' with weighting 'sigma2'/);
    expect(() => ddpmLosses(exactDenoiser(mixture, new DdpmSde(), 'eps'), x, [0, 1, 2, 1000], new Rng(0).normal([4, 2]))).toThrow(/steps\[3\] must be an integer in \[0, 1000\); got 1000/);
    expect(() => continuousDsmLosses(vp, x, [0.5, 0.5, 0, 0.5], new Rng(0).normal([4, 2]))).toThrow(/t\[2\] must be a time in \[0, 1\] with σ\(t\) > 0; got 0/);
    const bad = { weighting: 'g2', eps: 0, importanceSampling: 1, reduce: 'max', lr: 1 } as unknown as ContinuousDsmOptions;
    expect(() => continuousDsmLoss(vp, x, new Rng(1), bad)).toThrow(
      /lr is not an option[\s\S]*weighting must be one of[\s\S]*eps must be a number in \(0, 1\)[\s\S]*importanceSampling must be true or false[\s\S]*reduce must be one of 'sum', 'mean'/,
    );
    const wrongShape: DenoiserModel = { sde: new VpSde(), predict: (y, t) => vp.predict(tf.slice(y, [0, 0], [-1, 1]), t) };
    expect(() => continuousDsmLoss(wrongShape, x, new Rng(1))).toThrow();
    const noModel = { predict: vp.predict } as unknown as DenoiserModel;
    expect(() => continuousDsmLoss(noModel, x, new Rng(1))).toThrow(/the model must be a Denoiser \{ sde, predict\(x, t, options\?\) \}/);
  });

  it('leaves no tensors behind', async () => {
    const x = mixture.sample(16, new Rng(1));
    const labels = tf.tensor1d([...Array(16).keys()], 'int32');
    const vp = exactDenoiser(mixture, new VpSde(), 'x0');
    const ddpm = exactDenoiser(mixture, new DdpmSde(), 'v');
    await expectNoTensorLeak(() => {
      scalar(continuousDsmLoss(vp, { x, labels }, new Rng(1), { weighting: 'none', importanceSampling: true }));
      scalar(continuousDsmLoss(vp, x, new Rng(1), { weighting: 'likelihood', importanceSampling: true }));
      scalar(ddpmLoss(ddpm, { x, labels }, new Rng(1)));
    });
  });
});
