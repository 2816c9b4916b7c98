import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { GaussianMixture } from '@scorekit/data';
import { createSampler, type StepCallback } from '@scorekit/samplers';
import { VpSde, denoiserFromScore } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectNoTensorLeak, twoSampleTest } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { colourise, inpaint } from '../src/index.js';
import { mixture } from './fixtures.js';

const N = 1000;
const KNOWN = 0.5; // x₁ is known; x₂ is filled in

/** Exact draws of x₂ | x₁ = KNOWN under the mixture: a 1D mixture of the components' Gaussian conditionals. */
function exactConditional(n: number, rng: Rng): { draws: number[]; mean: number; variance: number } {
  const { weights, means, covariances } = mixture.toJSON();
  const parts = weights.map((w, k) => {
    const C = covariances![k];
    const lik = Math.exp(-0.5 * (KNOWN - means[k][0]) ** 2 / C[0][0]) / Math.sqrt(C[0][0]);
    return { w: w * lik, mean: means[k][1] + (C[1][0] / C[0][0]) * (KNOWN - means[k][0]), variance: C[1][1] - C[1][0] ** 2 / C[0][0] };
  });
  const total = parts.reduce((s, p) => s + p.w, 0);
  const mean = parts.reduce((s, p) => s + (p.w / total) * p.mean, 0);
  const variance = parts.reduce((s, p) => s + (p.w / total) * (p.variance + p.mean ** 2), 0) - mean ** 2;
  const draws: number[] = [];
  for (let i = 0; i < n; i++) {
    let u = rng.nextFloat() * total;
    const p = parts.find((q) => (u -= q.w) < 0) ?? parts[parts.length - 1];
    draws.push(p.mean + Math.sqrt(p.variance) * rng.normalArray(1)[0]);
  }
  return { draws, mean, variance };
}

function stats(v: number[]): { mean: number; variance: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length };
}

async function inpainted(sampler: 'euler-maruyama' | 'pc', steps: number): Promise<{ x1: Float32Array; x2: number[] }> {
  const sde = new VpSde();
  const known = tf.tensor1d([KNOWN, 123]); // the second value is ignored (mask 0)
  const mask = tf.tensor1d([1, 0]);
  const onStep = inpaint({ sde, known, mask, rng: new Rng(9), shape: [N, 2] });
  const { samples } = await createSampler(sampler, { steps }).run({ denoiser: denoiserFromScore(sde, mixture.scoreFn(sde)), shape: [N, 2], seed: 4, onStep });
  const a = samples.dataSync();
  tf.dispose([samples, known, mask]);
  return { x1: Float32Array.from({ length: N }, (_, i) => a[2 * i]), x2: Array.from({ length: N }, (_, i) => a[2 * i + 1]) };
}

describeOnBackends('inpainting by replacement', () => {
  it('keeps the known coordinate exactly and fills the other close to the exact conditional (gap measured)', async () => {
    const exact = exactConditional(N, new Rng(21));
    // The unconditional marginal of x₂: what the fill would be if the known part did not steer it at all.
    const marginal = Array.from(mixture.sample(N, new Rng(22)).dataSync()).filter((_, i) => i % 2 === 1);
    const unsteered = twoSampleTest(tf.tensor2d(marginal, [N, 1]), tf.tensor2d(exact.draws, [N, 1]), { level: 0.01 });
    for (const [sampler, steps] of [['euler-maruyama', 200], ['pc', 100]] as const) {
      const { x1, x2 } = await inpainted(sampler, steps);
      expect(Array.from(x1).every((v) => v === KNOWN), `${sampler}: known coordinate kept exactly`).toBe(true);
      const s = stats(x2);
      const test = twoSampleTest(tf.tensor2d(x2, [N, 1]), tf.tensor2d(exact.draws, [N, 1]), { level: 0.01 });
      // Replacement is approximate (the known part steers the rest only through the score). Measured (n = 1000,
      // VP, x₁ = 0.5 known): Euler–Maruyama 200 steps fills x₂ with mean 0.375, variance 1.110 against the exact
      // conditional's 0.443 / 1.333, MMD² 7.9e-3 (p = 0.01: a detectable gap); PC 100 steps 0.397 / 1.266, MMD²
      // 2.3e-3 (p = 0.06); the unsteered marginal of x₂ is at MMD² 2.9e-2. Bounds: mean within 0.15 (measured
      // ≤ 0.07), variance within 25% (≤ 17%), and at least 2.5× closer than the unsteered marginal (3.7×, 13×).
      const gap = `${sampler}: fill mean ${s.mean.toFixed(3)} var ${s.variance.toFixed(3)} vs exact ${exact.mean.toFixed(3)} / ${exact.variance.toFixed(3)}; MMD² ${test.mmd2.toExponential(2)} (null sd ${test.nullStd.toExponential(1)}, p ${test.pValue.toFixed(3)}); unsteered marginal MMD² ${unsteered.mmd2.toExponential(2)}`;
      expect(Math.abs(s.mean - exact.mean), gap).toBeLessThan(0.15);
      expect(Math.abs(s.variance / exact.variance - 1), gap).toBeLessThan(0.25);
      expect(test.mmd2, gap).toBeLessThan(unsteered.mmd2 / 2.5);
    }
  });

  it('one known sample per batch row: each row keeps its own known values exactly', async () => {
    const sde = new VpSde();
    const known = tf.tensor2d([[-1, 0], [0, 0], [1, 0], [2, 0]]);
    const mask = tf.tensor1d([1, 0]);
    const onStep = inpaint({ sde, known, mask, rng: new Rng(1) });
    const { samples } = await createSampler('dpm-solver++', { steps: 10 }).run({ denoiser: denoiserFromScore(sde, mixture.scoreFn(sde)), shape: [4, 2], seed: 2, onStep });
    expectAllClose(tf.slice(samples, [0, 0], [-1, 1]).dataSync(), [-1, 0, 1, 2], 0, 0);
    tf.dispose([samples, known, mask]);
  });

  it('bad input: a mask of another shape, a mask with other values — one clear error each; no leaks', async () => {
    const sde = new VpSde();
    const rng = new Rng(0);
    const known = tf.tensor1d([0.5, 0]);
    const mask3 = tf.tensor1d([1, 0, 0]);
    const soft = tf.tensor1d([0.5, 0]);
    const mask = tf.tensor1d([1, 0]);
    expect(() => inpaint({ sde, known, mask: mask3, rng })).toThrow(/mask \[3\] does not match known \[2\]/);
    expect(() => inpaint({ sde, known, mask: soft, rng })).toThrow(/mask must hold only 0 \(fill\) and 1 \(known\); found 0.5/);
    expect(() => inpaint({ sde, known, mask, rng, shape: [8, 3] })).toThrow(/known has shape \[2\] but the samples are \[8, 3\]; allowed: one sample \[3\] or all \[8, 3\]/);
    const onStep = inpaint({ sde, known, mask, rng });
    const denoiser = denoiserFromScore(sde, mixture.scoreFn(sde));
    const anyShape = denoiserFromScore(sde, (x) => tf.zerosLike(x));
    await expect(createSampler('euler-maruyama', { steps: 3 }).run({ denoiser: anyShape, shape: [4, 3], seed: 0, onStep })).rejects.toThrow(/known has shape \[2\] but the samples are \[4, 3\]/);
    // The callback's whole life — made, one run — leaves no tensor behind: it frees its copies on the final step.
    let used: StepCallback | undefined;
    await expectNoTensorLeak(async () => {
      used = inpaint({ sde, known, mask, rng });
      const { samples } = await createSampler('euler-maruyama', { steps: 5 }).run({ denoiser, shape: [4, 2], seed: 0, onStep: used });
      samples.dispose();
    });
    await expect(createSampler('euler-maruyama', { steps: 2 }).run({ denoiser, shape: [4, 2], seed: 0, onStep: used })).rejects.toThrow(/served one run already .* make one per run/);
    tf.dispose([known, mask3, soft, mask]);
  });
}, ['cpu']);

describeOnBackends('colourisation by replacement', () => {
  // A 12-dimensional mixture read as 2 × 2 RGB images, so that the exact score drives an image-shaped sampler.
  const d = 12;
  const rng = new Rng(5);
  const images = new GaussianMixture({
    weights: [0.6, 0.4],
    means: [Array.from(rng.normalArray(d, 0, 0.5)), Array.from(rng.normalArray(d, 0, 0.5))],
    stds: [0.4, 0.3],
  });
  it('the output channel mean equals the grey image, and each step only moves x along (1, 1, 1)/√3', async () => {
    const sde = new VpSde();
    const before = tf.memory().numTensors;
    const score = (x: tf.Tensor, t: tf.Tensor) => tf.tidy(() => tf.reshape(images.scoreFn(sde)(tf.reshape(x, [x.shape[0], d]), t), x.shape));
    const grey = tf.tensor3d([[[0.2], [-0.4]], [[0.7], [0]]]);
    const onStep = colourise({ sde, grey, rng: new Rng(3) });
    const x = new Rng(8).normal([3, 2, 2, 3]);
    const moved = tf.tidy(() => tf.sub(onStep({ x, i: 0, t: 0.5 }) as tf.Tensor, x));
    // Every pixel's change is c·(1, 1, 1): the colour (decoupled) channels are untouched.
    const m = moved.arraySync() as number[][][][];
    for (const img of m) for (const row of img) for (const px of row) expect(Math.max(...px) - Math.min(...px)).toBeLessThan(1e-6);
    const { samples } = await createSampler('euler-maruyama', { steps: 50 }).run({ score, sde, shape: [3, 2, 2, 3], seed: 1, onStep });
    // Float32 rounding of x + (g − mean(x)): a few ulps.
    tf.tidy(() => expectAllClose(tf.mean(samples, 3, true), tf.tile(tf.expandDims(grey, 0), [3, 1, 1, 1]), 1e-6, 1e-6));
    tf.dispose([grey, x, moved, samples]);
    // The callback freed its copy of the grey image on the run's final step.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('bad input: grey of another size — one clear error', () => {
    const sde = new VpSde();
    const grey = tf.zeros([2, 2, 3]);
    expect(() => colourise({ sde, grey, rng: new Rng(0) })).toThrow(/grey must be a live tensor \[h, w, 1\] or \[n, h, w, 1\]; got \[2, 2, 3\]/);
    const grey1 = tf.zeros([3, 3, 1]);
    const onStep = colourise({ sde, grey: grey1, rng: new Rng(0) });
    const x = tf.zeros([1, 2, 2, 3]);
    expect(() => onStep({ x, i: 0, t: 0.5 })).toThrow(/grey \[3, 3, 1\] does not fit samples \[1, 2, 2, 3\]/);
    tf.dispose([grey, grey1, x]);
  });
}, ['cpu']);
