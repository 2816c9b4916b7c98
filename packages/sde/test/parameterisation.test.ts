import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import {
  PREDICTION_KINDS,
  VeSde,
  VpSde,
  denoiserFromScore,
  edmInput,
  edmOutput,
  edmPreconditioning,
  predictionFrom,
  regressionTarget,
  scoreOf,
  tidyPrediction,
} from '../src/index.js';

describeOnBackends('the parameterisation module', () => {
  for (const sde of [new VpSde(), new VeSde({ sigmaMax: 10 })]) {
    it(`${sde.name}: every kind recovers the true x₀, ε, score and v of x = αx₀ + σε`, () => {
      // Build x from known x₀ and ε; the exact score of p(x_t | x₀) at x is −ε/σ.
      const rng = new Rng(1);
      const ts = [0.1, 0.4, 0.8];
      const x0 = rng.normal([3, 4]);
      const eps = rng.normal([3, 4]);
      const t = tf.tensor1d(ts);
      const { alpha, sigma } = sde.marginalCoefficients(t);
      const x = tf.add(tf.mul(tf.reshape(alpha, [3, 1]), x0), tf.mul(tf.reshape(sigma, [3, 1]), eps));
      const truth = {
        eps,
        x0,
        score: tf.neg(tf.div(eps, tf.reshape(sigma, [3, 1]))),
        v: tf.sub(tf.mul(tf.reshape(alpha, [3, 1]), eps), tf.mul(tf.reshape(sigma, [3, 1]), x0)),
      };
      for (const kind of PREDICTION_KINDS) {
        const p = predictionFrom(kind, truth[kind], x, alpha, sigma);
        expect(p[kind]).toBe(truth[kind]); // the native field is the raw output itself, not a copy
        // float32 round trips through divisions by σ ≥ 0.02 and α: a few 1e-5 relative.
        for (const k of PREDICTION_KINDS) expectAllClose(p[k], truth[k], 1e-4, 1e-4);
        // The regression target of each kind is the true value of that kind.
        expectAllClose(regressionTarget(kind, x0, eps, alpha, sigma), truth[kind], 1e-4, 1e-4);
      }
    });
  }

  it('one time for the batch uses float64 α and σ and agrees with the per-sample form', () => {
    const sde = new VpSde();
    const score = (x: tf.Tensor) => tf.mul(x, -0.7);
    const d = denoiserFromScore(sde, score);
    const x = new Rng(3).normal([5, 2]);
    const byNumber = d.predict(x, 0.35);
    expect(byNumber.alpha).toBe(sde.alpha(0.35));
    expect(byNumber.sigma).toBe(sde.sigma(0.35));
    const byTensor = d.predict(x, tf.fill([5], 0.35));
    // x̂₀ = (x + σ²s)/α: the two differ only by float32 rounding of α, σ (α ≈ 0.3, σ ≈ 0.95 at t = 0.35).
    expectAllClose(byNumber.x0, byTensor.x0, 1e-5, 1e-5);
    const expected = tf.div(tf.add(x, tf.mul(score(x), sde.sigma(0.35) ** 2)), sde.alpha(0.35));
    expectAllClose(byNumber.x0, expected, 1e-6, 1e-6);
    expectAllClose(scoreOf(d)(x, tf.fill([5], 0.35)), score(x), 1e-7, 0);
  });

  it('a prediction made inside tf.tidy survives it, and derived fields leak nothing', async () => {
    const sde = new VeSde();
    const d = denoiserFromScore(sde, (x) => tf.neg(x));
    const x = tf.ones([4, 2]);
    await expectNoTensorLeak(() => {
      const p = tidyPrediction(() => d.predict(x, tf.fill([4], 0.5)));
      // Derived after the tidy: still correct (VE, α = 1: x̂₀ = x + σ²·(−x)), and disposable on their own.
      const x0 = p.x0;
      tf.tidy(() => {
        expectAllClose(x0, tf.mul(x, 1 - sde.sigma(0.5) ** 2), 1e-5, 1e-5);
      });
      tf.dispose([x0, p.eps, p.v]);
      tf.dispose([p.raw, p.alpha as tf.Tensor, p.sigma as tf.Tensor]);
    });
  });

  it('EDM: D = c_skip·x̃ + c_out·F with c_in·x̃ as the input matches the scalar coefficients', () => {
    const sde = new VpSde();
    const t = 0.4;
    const alpha = tf.fill([3], sde.alpha(t));
    const sigma = tf.fill([3], sde.sigma(t));
    const x = new Rng(5).normal([3, 2]);
    const F = new Rng(6).normal([3, 2]);
    const sTilde = sde.sigma(t) / sde.alpha(t);
    const c = edmPreconditioning(sTilde, 0.5);
    const { input, cNoise } = edmInput(x, alpha, sigma, 0.5);
    // float32 products of O(1) numbers: 1e-5.
    expectAllClose(input, tf.mul(x, c.cIn / sde.alpha(t)), 1e-5, 1e-5);
    expectAllClose(cNoise, tf.fill([3], c.cNoise), 1e-5, 1e-5);
    expectAllClose(edmOutput(F, x, alpha, sigma, 0.5), tf.add(tf.mul(x, c.cSkip / sde.alpha(t)), tf.mul(F, c.cOut)), 1e-5, 1e-5);
    // λ = 1/c_out² (EDM loss weight) and c_skip + c_out²/σ_d²... (c_skip = σ_d²/(σ²+σ_d²), c_out² = σ²σ_d²/(σ²+σ_d²)).
    expect(c.weight * c.cOut ** 2).toBeCloseTo(1, 12);
    expect(c.cSkip + c.cOut ** 2 / 0.25).toBeCloseTo(1, 12);
  });

  it('rejects unknown kinds and mis-shaped predictions', () => {
    const x = tf.zeros([2, 3]);
    const a = tf.ones([2]);
    expect(() => predictionFrom('noise' as never, x, x, a, a)).toThrow(/Allowed: score, eps, x0, v/);
    expect(() => predictionFrom('eps', tf.zeros([2, 2]), x, a, a)).toThrow(/shaped like x \[2,3\]/);
    expect(() => edmPreconditioning(0)).toThrow(/sigma must be a number > 0; got 0/);
    const d = denoiserFromScore(new VpSde(), (y) => y);
    expect(() => d.predict(x, tf.zeros([3]))).toThrow(/t must have shape \[2\]/);
  });
});
