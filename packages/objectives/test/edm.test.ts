import * as tf from '@tensorflow/tfjs-core';
import { Rng, tanh } from '@scorekit/core';
import { PREDICTION_KINDS, VeSde, VpSde, predictionFrom, tidyPrediction, timeCoefficients, type Sde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { edmLoss, edmLosses, edmPreconditioning, type DenoiserModel } from '../src/index.js';
import { derivativeStats, exactDenoiser, gaussian, meanAndSe, mixture, scalar, scaleBy, take } from './helpers.js';

describe('EDM preconditioning', () => {
  it('coefficients and weight match hand computations', () => {
    // σ = 0.3, σ_d = 0.5: σ² + σ_d² = 0.34; c_skip = 0.25/0.34, c_out = 0.15/√0.34, c_in = 1/√0.34,
    // c_noise = ¼ ln 0.3, λ = 0.34/0.15² (values from float64 Python).
    const a = edmPreconditioning(0.3, 0.5);
    expectClose(a.cSkip, 0.7352941176470589, 0, 1e-14);
    expectClose(a.cOut, 0.2572478777137633, 0, 1e-14);
    expectClose(a.cIn, 1.7149858514250886, 0, 1e-14);
    expectClose(a.cNoise, -0.30099320108148403, 0, 1e-14);
    expectClose(a.weight, 15.11111111111111, 0, 1e-14);
    // σ = 2, σ_d = 1: 0.2, 2/√5, 1/√5, ¼ ln 2, 5/4; and λ = 1/c_out² always.
    const b = edmPreconditioning(2, 1);
    expectClose(b.cSkip, 0.2, 0, 1e-14);
    expectClose(b.cOut, 0.8944271909999159, 0, 1e-14);
    expectClose(b.cIn, 0.4472135954999579, 0, 1e-14);
    expectClose(b.cNoise, 0.17328679513998632, 0, 1e-14);
    expectClose(b.weight, 1.25, 0, 1e-14);
    expectClose(b.weight, 1 / b.cOut ** 2, 0, 1e-14);
    expect(() => edmPreconditioning(0)).toThrow(/sigma must be a number > 0; got 0/);
  });
});

/** A model with EDM preconditioning around a small network F, on any SDE (x̃ = x/α, σ̃ = σ/α, as the models package). */
function preconditioned(sde: Sde, F: (x: tf.Tensor, cNoise: tf.Tensor) => tf.Tensor, sigmaData = 0.5): DenoiserModel {
  return {
    sde,
    predict: (x, t) =>
      tidyPrediction(() => {
        const { alpha, sigma } = timeCoefficients(sde, t, x);
        const a = tf.reshape(alpha, [-1, 1]);
        const s = tf.reshape(tf.div(sigma, alpha), [-1, 1]);
        const xTilde = tf.div(x, a);
        const total = tf.add(tf.square(s), sigmaData ** 2);
        const D = tf.add(
          tf.mul(tf.div(sigmaData ** 2, total), xTilde),
          tf.mul(tf.div(tf.mul(s, sigmaData), tf.sqrt(total)), F(tf.mul(xTilde, tf.rsqrt(total)), tf.mul(tf.log(s), 0.25))),
        );
        return predictionFrom('x0', D, x, alpha, sigma);
      }),
  };
}

describeOnBackends('EDM loss', () => {
  const rng = new Rng(1);
  const w1 = rng.normal([3, 16], 0, 0.7);
  const w2 = rng.normal([16, 2], 0, 0.5);
  // F(x, c_noise): a small fixed network of x and c_noise.
  const F = (x: tf.Tensor, c: tf.Tensor) => tf.tidy(() => tf.matMul(tanh(tf.matMul(tf.concat([x, tf.reshape(c, [-1, 1])], 1), w1)), w2));

  for (const sde of [new VeSde({ sigmaMax: 80 }), new VpSde()]) {
    it(`${sde.name}: λ(σ)·‖D − x₀‖² equals ‖F − (x₀ − c_skip·x̃)/c_out‖² computed by hand`, () => {
      const levels = [0.05, 0.3, 1, 2.5, 7, 20];
      const n = levels.length;
      const x0 = mixture.sample(n, new Rng(2));
      const z = new Rng(3).normal(x0.shape);
      const losses = take(edmLosses(preconditioned(sde, F), x0, levels, z));
      // By hand, in float64 where possible: x̃ = x₀ + σz, preconditioning from edmPreconditioning, F at c_in·x̃.
      const x0v = x0.arraySync() as number[][];
      const zv = z.arraySync() as number[][];
      const expected = levels.map((sigma, i) => {
        const { cSkip, cOut, cIn, cNoise } = edmPreconditioning(sigma);
        const xTilde = x0v[i].map((v, k) => v + sigma * zv[i][k]);
        const f = take(F(tf.tensor2d([xTilde.map((v) => cIn * v)]), tf.tensor1d([cNoise])));
        return x0v[i].reduce((acc, v, k) => acc + (f[k] - (v - cSkip * xTilde[k]) / cOut) ** 2, 0) / 2;
      });
      // float32 model path vs float64 hand path: x̃ = x_t/α and the t ↔ σ round trip cost ~1e-6 relative, which
      // (x₀ − c_skip·x̃)/c_out amplifies by up to |x̃|/c_out ≈ 50 at σ = 0.05: allow 1e-3 relative.
      expectAllClose(losses, expected, 1e-4, 1e-3);
    });
  }

  for (const sde of [new VeSde({ sigmaMax: 80 }), new VpSde()]) {
    it(`${sde.name}: the ideal denoiser of N(μ, σ_d²I) data has loss 1 per dimension at every σ`, () => {
      // E[x₀ | x̃] for Gaussian data leaves posterior variance σ_d²σ²/(σ_d² + σ²) per dimension, and
      // λ(σ) = (σ² + σ_d²)/(σσ_d)² turns that into exactly 1 (EDM's unit loss weighting). d = 3 here, so the
      // 'sum' reduction (½Σ) gives 1.5.
      const data = gaussian([0.3, -0.2, 0.5], 0.5);
      const model = exactDenoiser(data, sde, 'x0');
      const n = 3000;
      const x0 = data.sample(n, new Rng(4));
      const z = new Rng(5).normal(x0.shape);
      for (const sigma of [0.02, 0.3, 1.5, 10, 60]) {
        const { mean, se } = meanAndSe(take(edmLosses(model, x0, new Float64Array(n).fill(sigma), z)));
        expectClose(mean, 1, 4 * se, 0, `σ = ${sigma}`); // per-sample χ²₃/3: SE ≈ 0.015
      }
      const sums = take(edmLosses(model, x0, new Float64Array(n).fill(0.7), z, { reduce: 'sum' }));
      expectClose(meanAndSe(sums).mean, 1.5, 4 * meanAndSe(sums).se, 0, "'sum' reduction");
      // and the whole objective, with σ drawn log-normally, averages to 1 as well
      const batches = Array.from({ length: 10 }, (_, k) => {
        const r = new Rng(40 + k);
        return scalar(edmLoss(model, data.sample(400, r), r));
      });
      const { mean, se } = meanAndSe(batches);
      expectClose(mean, 1, 4.5 * se, 0, 'edmLoss'); // 10 batches: t₉, 4.5 SE
    });
  }

  for (const kind of PREDICTION_KINDS) {
    it(`is minimised by the true score with the model's output as ${kind} (VE and VP)`, () => {
      for (const sde of [new VeSde({ sigmaMax: 80 }), new VpSde()]) {
        const stats = derivativeStats((c, seed) => {
          const r = new Rng(seed);
          return scalar(edmLoss(exactDenoiser(mixture, sde, kind, scaleBy(c)), mixture.sample(300, r), r));
        }, 10);
        // 10 batches: 4.5 SE (t₉ tail ≈ 1.5e-3); curvature shows a 50% error in the raw output would be caught.
        expect(Math.abs(stats.slope.mean), `${sde.name}: slope ${stats.slope.mean} ± ${stats.slope.se}`).toBeLessThan(4.5 * stats.slope.se);
        expect(stats.curvature.mean).toBeGreaterThan(4.5 * stats.slope.se);
      }
    });
  }

  it('σ is kept inside the SDE range; impossible settings and bad options are reported clearly', () => {
    const model = exactDenoiser(mixture, new VeSde(), 'x0');
    const x = mixture.sample(8, new Rng(1));
    expect(() => edmLoss(model, x, new Rng(1), { pMean: 10, pStd: 0.1 })).toThrow(/puts almost no mass inside the noise range \[0.01, 50\] of the model's 've' SDE/);
    expect(() => edmLoss(model, x, new Rng(1), { pStd: 0, sigmaData: -1, P_mean: 1 } as never)).toThrow(
      /P_mean is not an option[\s\S]*pStd must be a number > 0[\s\S]*sigmaData must be a number > 0/,
    );
    expect(() => edmLosses(model, x, new Float64Array(8).fill(100), new Rng(0).normal([8, 2]))).toThrow(/σ = 100 is outside what the model's 've' SDE reaches/);
    // a narrow distribution straddling σ_min: every draw below 0.01 is redrawn, so the loss stays finite
    expect(Number.isFinite(scalar(edmLoss(model, x, new Rng(1), { pMean: Math.log(0.01), pStd: 0.5 })))).toBe(true);
  });

  it('leaves no tensors behind', async () => {
    const x = mixture.sample(16, new Rng(1));
    const model = preconditioned(new VpSde(), F);
    await expectNoTensorLeak(() => {
      scalar(edmLoss(model, x, new Rng(1)));
      scalar(edmLoss(exactDenoiser(mixture, new VeSde(), 'v'), x, new Rng(2)));
    });
  });
});
