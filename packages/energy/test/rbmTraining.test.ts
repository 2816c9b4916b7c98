import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import {
  Rbm,
  RbmTrainer,
  contrastiveDivergenceGradients,
  rbmAnnealedImportanceSampling,
  rbmExactGradients,
  rbmExactLogLikelihood,
  rbmLogPartition,
} from '../src/index.js';
import { allBinary, randomRbm } from './helpers.js';

/** Exact p(v) over every visible state (index = the state's binary number) of a small RBM. */
function exactDistribution(rbm: Rbm): number[] {
  return tf.tidy(() => {
    const all = tf.tensor2d(allBinary(rbm.visibleUnits));
    return Array.from(tf.exp(tf.sub(tf.neg(rbm.freeEnergy(all)), rbmLogPartition(rbm))).dataSync());
  });
}

/** Row indices (binary numbers) of 0/1 rows. */
function stateIndices(v: tf.Tensor2D): number[] {
  return v.arraySync().map((row) => row.reduce((acc, x) => acc * 2 + x, 0));
}

/** n exact draws from a discrete distribution. */
function drawExact(p: number[], n: number, bits: number, rng: Rng): tf.Tensor2D {
  const rows = allBinary(bits);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    let u = rng.nextFloat();
    let k = 0;
    while (k < p.length - 1 && u >= p[k]) u -= p[k++];
    out.push(rows[k]);
  }
  return tf.tensor2d(out);
}

/** Pearson χ² of counts against probabilities, cells with expected count < 5 pooled; returns [χ², dof]. */
function chiSquare(indices: number[], p: number[]): [number, number] {
  const n = indices.length;
  const counts = new Array<number>(p.length).fill(0);
  for (const i of indices) counts[i]++;
  let stat = 0;
  let cells = 0;
  let pooledO = 0;
  let pooledE = 0;
  p.forEach((pi, i) => {
    const e = n * pi;
    if (e < 5) {
      pooledO += counts[i];
      pooledE += e;
    } else {
      stat += (counts[i] - e) ** 2 / e;
      cells++;
    }
  });
  if (pooledE > 0) {
    stat += (pooledO - pooledE) ** 2 / pooledE;
    cells++;
  }
  return [stat, cells - 1];
}

/** Upper 0.1% point of χ²(k) by the Wilson–Hilferty approximation (good to ~1% for k ≥ 10). */
function chiSquareCritical(k: number): number {
  const z = 3.0902; // Φ⁻¹(0.999)
  return k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
}

function cosineOf(a: number[], b: number[]): number {
  const dot = a.reduce((s, x, i) => s + x * b[i], 0);
  return dot / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
}

/**
 * E[CD-k's dW] in float64: ⟨v p(h|v)ᵀ⟩ over the data minus the same statistic averaged over T^k(d, ·), T the
 * block-Gibbs kernel T(v, v') = Σ_h p(h|v) p(v'|h), by enumerating every state of a small RBM.
 */
function expectedCdWeightGradient(rbm: Rbm, data: number[][], k: number): number[] {
  const w = rbm.weights.arraySync();
  const b = rbm.visibleBias.arraySync();
  const c = rbm.hiddenBias.arraySync();
  const [nv, nh] = [b.length, c.length];
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const vs = allBinary(nv);
  const hs = allBinary(nh);
  const ph = (v: number[]) => c.map((cj, j) => sig(cj + v.reduce((s, vi, i) => s + vi * w[i][j], 0)));
  const pv = (h: number[]) => b.map((bi, i) => sig(bi + h.reduce((s, hj, j) => s + hj * w[i][j], 0)));
  const prob = (p: number[], x: number[]) => x.reduce((s, xi, i) => s * (xi ? p[i] : 1 - p[i]), 1);
  const hGivenV = vs.map((v) => hs.map((h) => prob(ph(v), h)));
  const vGivenH = hs.map((h) => vs.map((v) => prob(pv(h), v)));
  const T = vs.map((_, a) => vs.map((_, z) => hs.reduce((s, _, hi) => s + hGivenV[a][hi] * vGivenH[hi][z], 0)));
  const stat = (v: number[]) => {
    const p = ph(v);
    return v.flatMap((vi) => p.map((pj) => vi * pj));
  };
  const out = new Array<number>(nv * nh).fill(0);
  for (const d of data) {
    let dist: number[] = vs.map((v) => (v.every((x, i) => x === d[i]) ? 1 : 0));
    for (let s = 0; s < k; s++) dist = vs.map((_, z) => dist.reduce((acc, pa, a) => acc + pa * T[a][z], 0));
    const pos = stat(d);
    const neg = new Array<number>(nv * nh).fill(0);
    vs.forEach((v, z) => stat(v).forEach((x, i) => (neg[i] += dist[z] * x)));
    pos.forEach((x, i) => (out[i] += (x - neg[i]) / data.length));
  }
  return out;
}

describeOnBackends('RBM sampling and training', () => {
  it('draws Gibbs samples from the exact model distribution (χ² test), and rejects a wrong model', () => {
    const rbm = randomRbm(5, 3, 1, 21);
    const p = exactDistribution(rbm);
    const rng = new Rng(22);
    // 3000 independent chains, 60 steps each from uniform noise (this model mixes in a few steps).
    const start = tf.tidy(() => tf.cast(tf.less(rng.uniform([3000, 5]), 0.5), 'float32')) as tf.Tensor2D;
    const samples = rbm.gibbs(start, 60, rng);
    const [stat, dof] = chiSquare(stateIndices(samples), p);
    expect(stat, `χ² = ${stat} on ${dof} dof`).toBeLessThan(chiSquareCritical(dof));
    // The same chains on a model with 1.3× the weights must be told apart from p: the test has power.
    const w = tf.mul(rbm.weights, 1.3) as tf.Tensor2D;
    const wrong = new Rbm(w, rbm.visibleBias, rbm.hiddenBias);
    const wrongSamples = wrong.gibbs(start, 60, rng);
    const [wrongStat, wrongDof] = chiSquare(stateIndices(wrongSamples), p);
    expect(wrongStat).toBeGreaterThan(chiSquareCritical(wrongDof));
    tf.dispose([start, samples, w, wrongSamples]);
    rbm.dispose();
    wrong.dispose();
  });

  it("CD-k's expected gradient points along the exact one, its bias shrinks as k grows, and the estimate matches it", () => {
    const rbm = randomRbm(6, 4, 1.5, 31);
    const rng = new Rng(32);
    const teacher = randomRbm(6, 4, 1.5, 33);
    const data = drawExact(exactDistribution(teacher), 16, 6, rng);
    const exact = rbmExactGradients(rbm, data);
    const g = Array.from(exact.weights.dataSync());
    const norm = (a: number[]) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));
    const relErr = (a: number[]) => norm(a.map((x, i) => x - g[i])) / norm(g);
    // The expectation of CD-k's dW, exactly: chains from each data point follow the Gibbs kernel T^k.
    const expected = (k: number) => expectedCdWeightGradient(rbm, data.arraySync(), k);
    const ks = [1, 2, 5, 20, 100];
    const bias = ks.map((k) => relErr(expected(k)));
    console.log('CD-k relative bias of E[dW], k = 1, 2, 5, 20, 100:', bias.map((e) => e.toExponential(2)).join(' '));
    // Strictly shrinking until it reaches the float32 error of the exact gradient (~1e-6 relative, by k = 20).
    for (let i = 1; i < 4; i++) expect(bias[i]).toBeLessThan(bias[i - 1]);
    expect(bias[0]).toBeGreaterThan(0.05); // CD-1 is visibly biased on this model...
    expect(bias[4]).toBeLessThan(1e-4); // ...and CD-100 is the exact gradient up to float32
    const cd1 = expected(1);
    expect(cosineOf(cd1, g)).toBeGreaterThan(0.9);
    // The implementation's estimate, each data point repeated 250× (4000 chains): its Monte-Carlo error per entry
    // is ≲ 0.5/√4000 ≈ 0.008, ‖·‖ over 24 entries ≈ 0.04, i.e. ≲ 0.05 of ‖g‖ here; 0.08 leaves room.
    const repeated = tf.tile(data, [250, 1]) as tf.Tensor2D;
    for (const k of [1, 5]) {
      const { gradients, chains } = contrastiveDivergenceGradients(rbm, repeated, { k, rng });
      const est = Array.from(gradients.weights.dataSync());
      const target = expected(k);
      const err = norm(est.map((x, i) => x - target[i])) / norm(g);
      expect(err, `CD-${k} estimate vs its expectation`).toBeLessThan(0.08);
      tf.dispose([gradients.weights, gradients.visibleBias, gradients.hiddenBias, chains]);
    }
    tf.dispose([data, repeated, exact.weights, exact.visibleBias, exact.hiddenBias]);
    rbm.dispose();
    teacher.dispose();
  });

  it("PCD's exact log-likelihood climbs to near the maximum-likelihood fit", () => {
    const rng = new Rng(41);
    const teacher = randomRbm(6, 4, 1.5, 42);
    const data = drawExact(exactDistribution(teacher), 200, 6, rng);
    // Maximum likelihood by exact gradient ascent from the same start.
    const fit = (train: (rbm: Rbm) => void) => {
      const rbm = Rbm.create(6, 4, { rng: new Rng(43), weightStd: 0.1 });
      const before = rbmExactLogLikelihood(rbm, data).dataSync()[0];
      train(rbm);
      const after = rbmExactLogLikelihood(rbm, data).dataSync()[0];
      rbm.dispose();
      return [before, after];
    };
    const [start, ml] = fit((rbm) => {
      for (let s = 0; s < 300; s++) {
        const g = rbmExactGradients(rbm, data);
        tf.tidy(() => {
          rbm.weights.assign(tf.add(rbm.weights, tf.mul(g.weights, 0.2)));
          rbm.visibleBias.assign(tf.add(rbm.visibleBias, tf.mul(g.visibleBias, 0.2)));
          rbm.hiddenBias.assign(tf.add(rbm.hiddenBias, tf.mul(g.hiddenBias, 0.2)));
        });
        tf.dispose([g.weights, g.visibleBias, g.hiddenBias]);
      }
    });
    const [, pcd] = fit((rbm) => {
      const trainer = new RbmTrainer(rbm, { rng, k: 1, persistent: true, chains: 100, learningRate: 0.2 });
      for (let s = 0; s < 300; s++) trainer.step(data);
      trainer.dispose();
    });
    console.log(`log-likelihood: start ${start.toFixed(4)}, PCD-1 ${pcd.toFixed(4)}, exact ML ${ml.toFixed(4)}`);
    expect(pcd).toBeGreaterThan(start + 0.5 * (ml - start));
    expect(ml - pcd).toBeLessThan(0.05);
    data.dispose();
    teacher.dispose();
  });

  it('estimates log Z by AIS within its own error of exact enumeration', () => {
    const rbm = randomRbm(20, 10, 0.5, 51);
    const exact = rbmLogPartition(rbm);
    const ais = rbmAnnealedImportanceSampling(rbm, { rng: new Rng(52), runs: 100, betas: 1000 });
    console.log(`AIS log Z ${ais.logZ.toFixed(4)} ± ${ais.standardError.toFixed(4)}, exact ${exact.dataSync()[0].toFixed(4)}`);
    expect(ais.standardError).toBeLessThan(0.05);
    expectClose(ais.logZ, exact.dataSync()[0], 3 * ais.standardError + 1e-3, 0, 'AIS log Z');
    exact.dispose();
    rbm.dispose();
  });

  it('applies the CD step as gradient ascent: plain, with weight decay, and through a tfjs optimiser alike', () => {
    const data = tf.tensor2d(allBinary(6).slice(20, 36));
    const w0 = () => randomRbm(6, 4, 1, 81);
    // Reference: W + lr·(ĝ − λW) from the same Gibbs draws (same seed).
    const reference = w0();
    const { gradients, chains } = contrastiveDivergenceGradients(reference, data, { k: 2, rng: new Rng(9) });
    const expected = tf.tidy(() => tf.add(reference.weights, tf.mul(tf.sub(gradients.weights, tf.mul(reference.weights, 0.01)), 0.1)));
    const plain = w0();
    new RbmTrainer(plain, { rng: new Rng(9), k: 2, learningRate: 0.1, weightDecay: 0.01 }).step(data);
    const viaSgd = w0();
    const sgd = tf.train.sgd(0.1);
    new RbmTrainer(viaSgd, { rng: new Rng(9), k: 2, optimizer: sgd, weightDecay: 0.01 }).step(data);
    expectAllClose(plain.weights, expected, 1e-6);
    expectAllClose(viaSgd.weights, expected, 1e-6);
    tf.dispose([data, gradients.weights, gradients.visibleBias, gradients.hiddenBias, chains, expected]);
    sgd.dispose();
    for (const r of [reference, plain, viaSgd]) r.dispose();
  });

  it('resumes PCD from saved chains: setChains(chains) continues exactly as the uninterrupted trainer', () => {
    const data = tf.tensor2d(allBinary(6).slice(8, 24));
    const a = randomRbm(6, 4, 1, 91);
    const b = randomRbm(6, 4, 1, 91);
    const rngA = new Rng(92);
    const trainerA = new RbmTrainer(a, { rng: rngA, k: 1, persistent: true, learningRate: 0.1 });
    trainerA.step(data);
    // A second trainer on a copy of the parameters, given the first's chains and generator state, takes the same step.
    const trainerB = new RbmTrainer(b, { rng: Rng.fromState(rngA.state()), k: 1, persistent: true, learningRate: 0.1 });
    for (const [to, from] of [[b.weights, a.weights], [b.visibleBias, a.visibleBias], [b.hiddenBias, a.hiddenBias]] as const) (to as tf.Variable).assign(from);
    trainerB.setChains(trainerA.chains);
    trainerA.step(data);
    trainerB.step(data);
    expect(Array.from(b.weights.dataSync())).toEqual(Array.from(a.weights.dataSync()));
    expect(Array.from(trainerB.chains!.dataSync())).toEqual(Array.from(trainerA.chains!.dataSync()));
    const wrong = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => trainerB.setChains(wrong)).toThrow(/chains must have shape \[n, 6\]/);
    wrong.dispose();
    for (const t of [trainerA, trainerB]) t.dispose();
    tf.dispose(data);
    a.dispose();
    b.dispose();
  });

  it('frees every intermediate tensor in CD, PCD and AIS', async () => {
    const rbm = randomRbm(6, 4, 1, 61);
    const rng = new Rng(62);
    const data = tf.tensor2d(allBinary(6).slice(0, 8));
    const trainer = new RbmTrainer(rbm, { rng, k: 2, persistent: true });
    await expectNoTensorLeak(() => {
      trainer.step(data);
      rbmAnnealedImportanceSampling(rbm, { rng, runs: 4, betas: 5 });
    });
    trainer.dispose();
    data.dispose();
    rbm.dispose();
  });

  it('rejects bad options before any work', () => {
    const rbm = randomRbm(4, 3, 1, 71);
    const data = tf.tensor2d([[1, 0, 1]]);
    expect(() => new RbmTrainer(rbm, { rng: new Rng(1), k: 0 })).toThrow(/k must be an integer ≥ 1, got 0/);
    expect(() => new RbmTrainer(rbm, { rng: new Rng(1) }).step(data)).toThrow(/batch must have shape \[n, 4\]/);
    expect(() => rbmAnnealedImportanceSampling(rbm, { rng: new Rng(1), betas: [0, 0.7, 0.5, 1] })).toThrow(/increase strictly/);
    data.dispose();
    rbm.dispose();
  });
});
