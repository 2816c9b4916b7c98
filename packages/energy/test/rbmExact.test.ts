import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { Rbm, rbmExactGradients, rbmExactLogLikelihood, rbmLogPartition } from '../src/index.js';
import { allBinary, randomRbm } from './helpers.js';

/** Plain-JS joint energies: the brute-force reference, in float64. */
function params(rbm: Rbm) {
  return { w: rbm.weights.arraySync(), b: rbm.visibleBias.arraySync(), c: rbm.hiddenBias.arraySync() };
}
function jointEnergy(p: ReturnType<typeof params>, v: number[], h: number[]): number {
  let e = 0;
  v.forEach((vi, i) => (e -= vi * p.b[i]));
  h.forEach((hj, j) => (e -= hj * p.c[j]));
  v.forEach((vi, i) => h.forEach((hj, j) => (e -= vi * hj * p.w[i][j])));
  return e;
}
function logSumExp(values: number[]): number {
  const m = Math.max(...values);
  return m + Math.log(values.reduce((s, x) => s + Math.exp(x - m), 0));
}

describeOnBackends('RBM, exactly', () => {
  it('has the free energy −log Σ_h e^{−E(v,h)} of a brute-force sum over hidden states', () => {
    const rbm = randomRbm(6, 4, 1, 1);
    const p = params(rbm);
    const vs = allBinary(6);
    const f = rbm.freeEnergy(tf.tensor2d(vs)).arraySync();
    vs.forEach((v, r) => {
      const expected = -logSumExp(allBinary(4).map((h) => -jointEnergy(p, v, h)));
      expectClose(f[r], expected, 1e-4, 1e-5, `F(v${r})`); // float32 softplus and sums of ~30 terms
    });
    rbm.dispose();
  });

  it('computes log Z equal to a brute-force double sum over (v, h), from either layer', () => {
    for (const [v, h] of [[6, 4], [3, 7]] as const) {
      const rbm = randomRbm(v, h, 1, v * 10 + h);
      const p = params(rbm);
      const terms: number[] = [];
      for (const vv of allBinary(v)) for (const hh of allBinary(h)) terms.push(-jointEnergy(p, vv, hh));
      const logZ = rbmLogPartition(rbm);
      expectClose(logZ.dataSync()[0], logSumExp(terms), 1e-4, 1e-5, `log Z [${v}×${h}]`);
      logZ.dispose();
      rbm.dispose();
    }
  });

  it('gives the same log Z for an RBM and its transpose when enumeration runs in several blocks', () => {
    // Z(W, b, c) = Z(Wᵀ, c, b). [14 × 13] enumerates 13 hidden bits in 2 blocks; its transpose [13 × 14] the 13
    // visible bits through the free energy: two different code paths.
    const rbm = randomRbm(14, 13, 0.3, 7);
    const wt = tf.transpose(rbm.weights) as tf.Tensor2D;
    const transposed = new Rbm(wt, rbm.hiddenBias, rbm.visibleBias);
    const a = rbmLogPartition(rbm).dataSync()[0];
    const b = rbmLogPartition(transposed).dataSync()[0];
    expectClose(a, b, 1e-3, 1e-5, 'log Z vs transpose'); // float32 logsumexp over 8192 terms of size ~15
    tf.dispose(wt);
    rbm.dispose();
    transposed.dispose();
  });

  it('has an exact log-likelihood whose probabilities sum to one', () => {
    const rbm = randomRbm(5, 3, 1, 4);
    const all = tf.tensor2d(allBinary(5));
    // Σ_v p(v) = 1 ⇔ logsumexp_v(−F(v)) − log Z = 0; and the mean log-likelihood of a batch equals mean log p(v).
    const logP = tf.tidy(() => tf.sub(tf.neg(rbm.freeEnergy(all)), rbmLogPartition(rbm)));
    expectClose(tf.logSumExp(logP).dataSync()[0], 0, 1e-5, 0, 'log Σ p(v)');
    const batch = tf.tensor2d([[1, 0, 1, 1, 0], [0, 0, 0, 1, 1], [1, 1, 1, 1, 1]]);
    const ll = rbmExactLogLikelihood(rbm, batch).dataSync()[0];
    const lp = logP.arraySync() as number[];
    expectClose(ll, (lp[0b10110] + lp[0b00011] + lp[0b11111]) / 3, 1e-5, 0, 'mean log p');
    tf.dispose([all, logP, batch]);
    rbm.dispose();
  });

  it('has the exact gradient ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model, ⟨v⟩_data − ⟨v⟩_model, ⟨h⟩_data − ⟨h⟩_model', () => {
    const rbm = randomRbm(4, 3, 1, 12);
    const p = params(rbm);
    const data = [[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 0]];
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const ph = (v: number[]) => p.c.map((c, j) => sig(c + v.reduce((s, vi, i) => s + vi * p.w[i][j], 0)));
    // Model expectations by enumerating every (v, h) with weight e^{−E}/Z.
    const states = allBinary(4).flatMap((v) => allBinary(3).map((h) => ({ v, h, logq: -jointEnergy(p, v, h) })));
    const logZ = logSumExp(states.map((s) => s.logq));
    const gw = p.w.map((row, i) => row.map((_, j) => {
      const dataTerm = data.reduce((s, v) => s + v[i] * ph(v)[j], 0) / data.length;
      return dataTerm - states.reduce((s, st) => s + Math.exp(st.logq - logZ) * st.v[i] * st.h[j], 0);
    }));
    const gb = p.b.map((_, i) => data.reduce((s, v) => s + v[i], 0) / data.length - states.reduce((s, st) => s + Math.exp(st.logq - logZ) * st.v[i], 0));
    const gc = p.c.map((_, j) => data.reduce((s, v) => s + ph(v)[j], 0) / data.length - states.reduce((s, st) => s + Math.exp(st.logq - logZ) * st.h[j], 0));
    const batch = tf.tensor2d(data);
    const g = rbmExactGradients(rbm, batch);
    // float32 probabilities summed over 128 states: ~1e-6 each.
    expectAllClose(g.weights, gw.flat(), 2e-5);
    expectAllClose(g.visibleBias, gb, 2e-5);
    expectAllClose(g.hiddenBias, gc, 2e-5);
    tf.dispose([batch, g.weights, g.visibleBias, g.hiddenBias]);
    rbm.dispose();
  });

  it('rejects a layer too large to enumerate, naming the limit and the alternative', () => {
    const rbm = Rbm.create(30, 25, { rng: new Rng(0) });
    expect(() => rbmLogPartition(rbm)).toThrow(/at most 24.*annealedImportanceSampling/);
    rbm.dispose();
  });

  it('frees every intermediate tensor', async () => {
    const rbm = randomRbm(6, 4, 1, 2);
    const data = tf.tensor2d(allBinary(6).slice(0, 10));
    await expectNoTensorLeak(() => {
      const g = rbmExactGradients(rbm, data);
      tf.dispose([g.weights, g.visibleBias, g.hiddenBias, rbmExactLogLikelihood(rbm, data), rbm.freeEnergy(data)]);
    });
    data.dispose();
    rbm.dispose();
  });
});
