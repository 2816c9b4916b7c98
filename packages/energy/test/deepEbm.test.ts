import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { createEnergyNetwork } from '@scorekit/models';
import { GaussianMixture } from '@scorekit/data';
import { describeOnBackends, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { EbmTrainer, ReplayBuffer, contrastiveEnergyLoss, shortRunLangevin } from '../src/index.js';

function meanAndVariance(values: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < values.length; i++) m += values[i];
  m /= values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (values[i] - m) ** 2;
  return [m, v / (values.length - 1)];
}

describeOnBackends('deep EBM pieces', () => {
  it('runs Langevin with the closed-form mean and variance on a Gaussian energy', () => {
    // E(x) = x²/(2σ²): x' = a·x + s·z with a = 1 − η/σ², so after K steps from x₀ the chain is
    // N(aᴷx₀, s²(1 − a^{2K})/(1 − a²)) exactly, for the default s = √(2η) and for a decoupled s.
    const sigma2 = 0.5;
    const energy = (x: tf.Tensor) => tf.div(tf.sum(tf.square(x), 1), 2 * sigma2);
    const n = 4000;
    const x0 = tf.fill([n, 1], 2);
    for (const [eta, s, steps] of [[0.05, undefined, 15], [0.2, 0.1, 8]] as const) {
      const noise = s ?? Math.sqrt(2 * eta);
      const a = 1 - eta / sigma2;
      const x = shortRunLangevin(energy, x0, { rng: new Rng(3), steps, stepSize: eta, ...(s ? { noiseStd: s } : {}) });
      const [m, v] = meanAndVariance(x.dataSync());
      const mean = a ** steps * 2;
      const variance = (noise ** 2 * (1 - a ** (2 * steps))) / (1 - a * a);
      // 4 standard errors of a sample mean and variance of n = 4000 normal draws.
      expectClose(m, mean, 4 * Math.sqrt(variance / n), 0, `mean (η ${eta})`);
      expectClose(v, variance, 4 * variance * Math.sqrt(2 / (n - 1)), 0, `variance (η ${eta})`);
      x.dispose();
    }
    x0.dispose();
  });

  it('computes the contrastive loss and its parameter gradient as worked by hand', () => {
    // E(x) = θ‖x‖²: positives (1, 2) → 5θ; negatives (0, 1), (1, 1) → θ, 2θ. With θ = 1, α = ½:
    // 5 − 1.5 + ½(25 + (1 + 4)/2) = 17.25; dL/dθ at α = 0 is mean‖x⁺‖² − mean‖x⁻‖² = 5 − 1.5 = 3.5.
    const theta = tf.variable(tf.scalar(1));
    const energy = (x: tf.Tensor) => tf.mul(theta, tf.sum(tf.square(x), 1));
    const pos = tf.tensor2d([[1, 2]]);
    const neg = tf.tensor2d([[0, 1], [1, 1]]);
    expectClose(contrastiveEnergyLoss(energy, pos, neg, 0.5).dataSync()[0], 17.25, 1e-5);
    const { grads, value } = tf.variableGrads(() => contrastiveEnergyLoss(energy, pos, neg), [theta]);
    expectClose(grads[theta.name].dataSync()[0], 3.5, 1e-5);
    tf.dispose([theta, pos, neg, value, grads[theta.name]]);
  });

  it('keeps the newest samples in the replay buffer and restarts the given fraction of chains', () => {
    const buffer = new ReplayBuffer({ sampleShape: [1], capacity: 3, reinitProbability: 0.25 });
    const rows = tf.tensor2d([[1], [2], [3], [4], [5]]);
    buffer.push(rows);
    expect(buffer.size).toBe(3);
    const rng = new Rng(4);
    const n = 4000;
    const start = buffer.sample(n, rng, (m) => tf.fill([m, 1], -1));
    const values = start.dataSync();
    const fresh = values.filter((v) => v === -1).length;
    // Rows 1 and 2 were replaced (FIFO); fresh restarts are Bin(4000, ¼): 1000 ± 4·27.
    expect(new Set(Array.from(values).filter((v) => v !== -1))).toEqual(new Set([3, 4, 5]));
    expect(Math.abs(fresh - n / 4)).toBeLessThan(4 * Math.sqrt(n * 0.25 * 0.75));
    tf.dispose([rows, start]);
    expect(() => buffer.push(tf.zeros([2, 2]))).toThrow(/\[m, 1\]/);
  });

  it('restores a replay buffer from its snapshot exactly: same contents, same FIFO slot, same draws', () => {
    const original = new ReplayBuffer({ sampleShape: [2], capacity: 4, reinitProbability: 0.3 });
    const rows = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]); // wraps: next slot is 2
    original.push(rows);
    const copy = new ReplayBuffer({ sampleShape: [2], capacity: 4, reinitProbability: 0.3 });
    copy.restore(original.snapshot());
    expect(copy.snapshot()).toEqual(original.snapshot());
    expect(original.snapshot().next).toBe(2);
    const more = tf.tensor2d([[13, 14]]);
    for (const b of [original, copy]) b.push(more); // replaces slot 2 in both
    const draw = (b: ReplayBuffer) => {
      const x = b.sample(50, new Rng(8), (m) => tf.fill([m, 2], -1));
      const v = Array.from(x.dataSync());
      x.dispose();
      return v;
    };
    expect(draw(copy)).toEqual(draw(original));
    // slots after the wrap and the extra push: [9, 10], [11, 12], [13, 14], [7, 8]; −1 marks fresh restarts
    expect(new Set(draw(copy))).toEqual(new Set([-1, 9, 10, 11, 12, 13, 14, 7, 8]));
    expect(() => copy.restore({ values: [1, 2, 3], size: 2, next: 0 })).toThrow(/values must hold size × 2 = 4 numbers, got 3/);
    expect(() => copy.restore({ values: [], size: 5, next: 0 })).toThrow(/size must be an integer in \[0, 4\], got 5/);
    tf.dispose([rows, more]);
  });

  it('learns a Gaussian energy by contrastive divergence with short-run Langevin and a replay buffer', () => {
    // E(x) = ½ e^ρ ‖x − μ‖² fitted to 256 draws of N((1, −0.5), 0.25 I). CD matches the data's variance v to the
    // chains' stationary variance, which for Langevin with step η is (1/p)/(1 − ηp/2), not 1/p: so the fit is the
    // p* solving (1/p)/(1 − ηp/2) = v (3.64 here, not 1/v = 3.51), and μ* the sample mean. A small buffer keeps the
    // negatives recent (old ones come from flatter models and push p up). 8% on p* and 0.1 on μ leave room for
    // the last Adam steps' noise (measured 1.6%, 0.05); a fit with a wrong sign or no Langevin lands far outside.
    const rng = new Rng(5);
    const rho = tf.variable(tf.scalar(0));
    const mu = tf.variable(tf.zeros([2]));
    const energy = (x: tf.Tensor) => tf.mul(0.5, tf.mul(tf.exp(rho), tf.sum(tf.square(tf.sub(x, mu)), 1)));
    const data = tf.add(tf.mul(rng.normal([256, 2]), 0.5), tf.tensor1d([1, -0.5]));
    const optimizer = tf.train.adam(0.08);
    const trainer = new EbmTrainer({
      energy,
      variables: [rho, mu],
      optimizer,
      rng,
      langevin: { steps: 20, stepSize: 0.02 },
      init: (m, r) => r.uniform([m, 2], -3, 3),
      buffer: { sampleShape: [2], capacity: 1024 },
      regularization: 0,
    });
    for (let s = 0; s < 100; s++) trainer.step(data);
    const eta = 0.02;
    // The data's own ML variance v (per axis, about its mean), then the smaller root of (ηv/2)p² − vp + 1 = 0.
    const v = tf.tidy(() => tf.mean(tf.moments(data, 0).variance).dataSync()[0]);
    const pStar = (1 - Math.sqrt(1 - (2 * eta) / v)) / eta;
    const xbar = tf.tidy(() => tf.mean(data, 0).dataSync());
    expectClose(Math.exp(rho.dataSync()[0]), pStar, 0.08 * pStar, 0, 'precision');
    const m = mu.dataSync();
    expectClose(m[0], xbar[0], 0.1, 0, 'μ₁');
    expectClose(m[1], xbar[1], 0.1, 0, 'μ₂');
    tf.dispose([rho, mu, data]);
    optimizer.dispose();
  });

  it('gives a scorekit energy network lower energy on mixture data than on noise after a few CD steps, without leaks', async () => {
    const rng = new Rng(6);
    const mixture = new GaussianMixture({ weights: [0.5, 0.5], means: [[-2, 0], [2, 0]], stds: [0.4, 0.4] });
    const net = createEnergyNetwork({ name: 'energy', network: { name: 'mlp', dim: 2, outputDim: 1, width: 32, depth: 2, activation: 'silu' } }, { rng });
    const energy = (x: tf.Tensor) => tf.tidy(() => net.energy(x, tf.zeros([x.shape[0]])));
    const optimizer = tf.train.adam(1e-2);
    const trainer = new EbmTrainer({
      energy,
      variables: net.trainableVariables(),
      optimizer,
      rng,
      langevin: { steps: 5, stepSize: 0.05, clip: [-4, 4] },
      init: (m, r) => r.uniform([m, 2], -4, 4),
      buffer: { sampleShape: [2] },
    });
    // P(E(noise) > E(data)) over all pairs (the AUC of the energy as a data-vs-noise score): scale-free.
    const auc = () => {
      const [eData, eNoise] = tf.tidy(() => [
        Array.from(energy(mixture.sample(256, new Rng(7))).dataSync()),
        Array.from(energy(new Rng(8).uniform([256, 2], -4, 4)).dataSync()),
      ]);
      let above = 0;
      for (const a of eNoise) for (const b of eData) above += a > b ? 1 : a === b ? 0.5 : 0;
      return above / (eNoise.length * eData.length);
    };
    const before = auc();
    const batch = mixture.sample(64, rng);
    await expectNoTensorLeak(() => {
      for (let s = 0; s < 8; s++) trainer.step(batch);
    });
    const after = auc();
    // A random network already mildly prefers the box's centre (measured 0.63); 16 CD steps make the preference
    // for the data clear (measured 0.87). An update with the wrong sign drives the AUC below 0.5 instead.
    expect(after).toBeGreaterThan(before + 0.15);
    expect(after).toBeGreaterThan(0.8);
    tf.dispose(batch);
    optimizer.dispose();
    net.dispose();
  });
});
