import * as tf from '@tensorflow/tfjs-core';
import { ncsnToyMixture } from '@scorekit/data';
import { VeSde } from '@scorekit/sde';
import { describeOnBackends, expectClose } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { annealedLangevinSampler, langevinSampler } from '../src/index.js';

// Song & Ermon (2019), fig. 3 / ermongroup/ncsn toy_runner.py annealed_sampling_exp: the mixture 0.8·N((5,5), I) +
// 0.2·N((−5,−5), I), 1280 chains from U[−8, 8]²; Langevin with the exact data score (lr 0.1, 1000 steps) and
// annealed Langevin over σ = geometric(20 → 1, 10 levels), 100 steps each, step lr·(σ/σ_L)² with lr 0.1.
const n = 1280;
const upperWeight = (x: tf.Tensor) => tf.tidy(() => tf.mean(tf.cast(tf.greater(tf.sum(x, 1), 0), 'float32')).dataSync()[0]);
// Binomial standard error of a fraction near 0.5 with 1280 chains: 0.014; 4 of them allow 0.056.
const TOL = 0.056;

describeOnBackends('annealed vs plain Langevin on two far-apart modes', () => {
  const sde = new VeSde({ sigmaMin: 0.01, sigmaMax: 50 });
  const score = ncsnToyMixture().scoreFn(sde);

  it('annealed Langevin recovers the weights 0.8 / 0.2', async () => {
    const sigmas = Array.from({ length: 10 }, (_, i) => 20 * (1 / 20) ** (i / 9));
    // toy_runner's x += (lr/2)·s + √lr·z is NCSN's x += α·s + √(2α)·z with α = lr/2: ε = 0.05.
    const sampler = annealedLangevinSampler({ sigmas, stepsPerLevel: 100, stepSize: 0.05, init: { uniform: [-8, 8] } });
    const { samples, nfe } = await sampler.run({ score, sde, shape: [n, 2], seed: 0 });
    expect(nfe).toBe(1000);
    expectClose(upperWeight(samples), 0.8, TOL, 0, 'weight of the (5, 5) mode');
    samples.dispose();
  });

  it('plain Langevin from a uniform start does not: it keeps the basins’ share of the box, ≈ 0.5', async () => {
    // The basins split the box along x + y ≈ 0 (shifted by ln 4/20 ≈ 0.07 towards the small mode), so about half
    // the chains start, and stay, in each: the weight is 0.5, far from 0.8.
    const sampler = langevinSampler({ steps: 1000, stepSize: 0.1, t: 0, init: { uniform: [-8, 8] } });
    const { samples } = await sampler.run({ score, sde, shape: [n, 2], seed: 0 });
    expectClose(upperWeight(samples), 0.5, TOL, 0, 'weight of the (5, 5) mode');
    samples.dispose();
  });
});
