import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { HopfieldNetwork, hebbianWeights } from '../src/index.js';
import { randomPatterns, randomSymmetric } from './helpers.js';

/** Exact probability that a stored bit is unstable under Hebb's rule (see the test below). */
function exactUnstableProbability(n: number, p: number): number {
  // ξᵢ·hᵢ·N = (N − 1) + S, S a sum of m = (N−1)(P−1) independent ±1 terms: S = 2B − m with B ~ Bin(m, ½).
  // Unstable when (N − 1) + S < 0 (a zero field keeps the bit), i.e. B < (m − N + 1)/2.
  const m = (n - 1) * (p - 1);
  const logFactorial = (k: number) => {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  };
  const lfm = logFactorial(m);
  let total = 0;
  let lfb = 0;
  for (let b = 0; b < (m - n + 1) / 2; b++) {
    if (b > 0) lfb += Math.log(b);
    total += Math.exp(lfm - lfb - logFactorial(m - b) - m * Math.LN2);
  }
  return total;
}

describeOnBackends('Hopfield network', () => {
  it("stores two patterns by Hebb's rule as worked by hand", () => {
    const patterns = tf.tensor2d([[1, -1, 1, -1], [1, 1, -1, -1]]);
    const w = hebbianWeights(patterns);
    // W = (ξ¹ξ¹ᵀ + ξ²ξ²ᵀ)/4, zero diagonal: only pairs (0,3) and (1,2) disagree in both patterns' products.
    expectAllClose(w, [[0, 0, 0, -0.5], [0, 0, -0.5, 0], [0, -0.5, 0, 0], [-0.5, 0, 0, 0]].flat(), 1e-7);
    tf.dispose([patterns, w]);
  });

  it('computes the quadratic energy −½sᵀWs + θᵀs (and the tanh-unit entropy term) like a double loop', () => {
    const n = 7;
    const rng = new Rng(3);
    const w = randomSymmetric(n, rng);
    const theta = tf.tensor1d(rng.normalArray(n));
    const states = tf.tensor2d(rng.uniformArray(3 * n, -0.95, 0.95), [3, n]);
    const wv = w.arraySync();
    const tv = theta.arraySync();
    const sv = states.arraySync();
    for (const units of ['binary', 'continuous'] as const) {
      const net = new HopfieldNetwork(w, { units, gain: 2, thresholds: theta });
      const e = net.energy(states).arraySync();
      sv.forEach((s, r) => {
        let expected = 0;
        for (let i = 0; i < n; i++) {
          expected += tv[i] * s[i];
          for (let j = 0; j < n; j++) expected -= 0.5 * wv[i][j] * s[i] * s[j];
          // (1/β)∫₀^s atanh = (1/β)[s·atanh(s) + ½ln(1 − s²)]
          if (units === 'continuous') expected += (s[i] * Math.atanh(s[i]) + 0.5 * Math.log(1 - s[i] * s[i])) / 2;
        }
        expectClose(e[r], expected, 1e-4, 1e-5, `${units} energy row ${r}`); // float32 sums of ~50 terms
      });
      net.dispose();
    }
    tf.dispose([w, theta, states]);
  });

  it('never increases the energy under asynchronous updates (binary and tanh units, random symmetric weights)', () => {
    const n = 30;
    const rng = new Rng(11);
    const w = randomSymmetric(n, rng);
    for (const units of ['binary', 'continuous'] as const) {
      const net = new HopfieldNetwork(w, { units, gain: 3 });
      let s = units === 'binary' ? randomPatterns(40, n, rng) : (tf.tensor2d(rng.uniformArray(40 * n, -1, 1), [40, n]) as tf.Tensor2D);
      let e = net.energy(s).arraySync();
      let decreased = 0;
      for (let sweep = 0; sweep < 6; sweep++) {
        const next = net.asynchronousSweep(s, rng);
        const eNext = net.energy(next).arraySync();
        // Exact coordinate minimisation: only float32 rounding of E (|E| ~ 10, so ~1e-5) may show as an increase.
        eNext.forEach((v, r) => expect(v, `${units} row ${r}, sweep ${sweep}`).toBeLessThanOrEqual(e[r] + 1e-4));
        decreased += eNext.filter((v, r) => v < e[r] - 1e-3).length;
        s.dispose();
        s = next;
        e = eNext;
      }
      expect(decreased).toBeGreaterThan(40); // it does descend (every row starts far from a minimum)
      s.dispose();
      net.dispose();
    }
    w.dispose();
  });

  it('converges asynchronously where synchronous updates fall into a 2-cycle', () => {
    // Two units coupled by +1 from (+1, −1): synchronous updates swap the signs forever, E stays at +1; one unit at
    // a time reaches an aligned state with E = −1.
    const net = new HopfieldNetwork(tf.tensor2d([[0, 1], [1, 0]]));
    const start = tf.tensor2d([[1, -1]]);
    const sync = net.recall(start, { mode: 'synchronous', maxIterations: 20 });
    expect(sync.converged).toBe(false);
    const async = net.recall(start, { rng: new Rng(1) });
    expect(async.converged).toBe(true);
    expectClose(net.energy(async.states).dataSync()[0], -1, 1e-7);
    tf.dispose([sync.states, async.states, start]);
    net.weights.dispose();
    net.dispose();
  });

  it('keeps every stored pattern as a fixed point at a small load (P = 5, N = 100)', () => {
    // Unstable-bit probability at P/N = 0.05 is 3·10⁻⁷ (exact binomial below): all 500 bits stay, bar 2·10⁻⁴ odds.
    const rng = new Rng(5);
    const patterns = randomPatterns(5, 100, rng);
    const net = HopfieldNetwork.hebbian(patterns);
    const next = net.synchronousStep(patterns);
    expectAllClose(next, patterns, 0);
    tf.dispose([patterns, next]);
    net.dispose();
  });

  it("has the exact binomial fraction of unstable stored bits at loads around capacity", () => {
    const n = 100;
    for (const p of [14, 25, 40]) {
      const rng = new Rng(p);
      let unstable = 0;
      let bits = 0;
      for (let rep = 0; rep < 8; rep++) {
        const patterns = randomPatterns(p, n, rng);
        const net = HopfieldNetwork.hebbian(patterns);
        const flipped = tf.tidy(() => tf.sum(tf.notEqual(net.synchronousStep(patterns), patterns)));
        unstable += flipped.dataSync()[0];
        bits += p * n;
        tf.dispose([patterns, flipped]);
        net.dispose();
      }
      const q = exactUnstableProbability(n, p);
      // Bits within a pattern are nearly independent; 4 binomial standard deviations (plus one bit) allow for the
      // weak correlations through the shared weights.
      const sd = Math.sqrt(bits * q * (1 - q));
      expect(Math.abs(unstable - bits * q), `P = ${p}: ${unstable} unstable of ${bits}, expected ${bits * q}`).toBeLessThanOrEqual(4 * sd + 1);
    }
  });

  it('completes corrupted memories below the capacity 0.138 N and fails above it', () => {
    // N = 200, 10% of the bits flipped. At α = 0.05 the retrieval state has overlap m ≈ 1 (Amit–Gutfreund–
    // Sompolinsky: m > 0.99 for α < 0.1); at α = 0.25 > 0.138 it no longer exists and asynchronous dynamics drift
    // to spurious states (measured mean overlap 0.3–0.6 at this N: see bench/hopfieldCapacity.ts).
    const n = 200;
    const overlapAt = (p: number, seed: number) => {
      const rng = new Rng(seed);
      const patterns = randomPatterns(p, n, rng);
      const net = HopfieldNetwork.hebbian(patterns);
      const corrupted = flipBits(patterns, 20, rng);
      const { states } = net.recall(corrupted, { rng, maxIterations: 30 });
      const m = tf.tidy(() => tf.mean(tf.div(tf.sum(tf.mul(states, patterns), 1), n)).dataSync()[0]);
      tf.dispose([patterns, corrupted, states]);
      net.dispose();
      return m;
    };
    expect(overlapAt(10, 1)).toBeGreaterThan(0.99);
    expect(overlapAt(50, 2)).toBeLessThan(0.8);
  });

  it('rejects asymmetric weights, self-connections and patterns that are not ±1', () => {
    const asym = tf.tensor2d([[0, 1], [0.5, 0]]);
    const self = tf.tensor2d([[1, 0], [0, 0]]);
    const bad = tf.tensor2d([[1, 0]]);
    expect(() => new HopfieldNetwork(asym)).toThrow(/symmetric/);
    expect(() => new HopfieldNetwork(self)).toThrow(/zero diagonal/);
    expect(() => hebbianWeights(bad)).toThrow(/−1 and \+1/);
    tf.dispose([asym, self, bad]);
  });

  it('frees every intermediate tensor', async () => {
    const rng = new Rng(9);
    const patterns = randomPatterns(4, 30, rng);
    const net = HopfieldNetwork.hebbian(patterns, { units: 'continuous', gain: 4 });
    await expectNoTensorLeak(() => {
      const { states } = net.recall(patterns, { rng, maxIterations: 3 });
      const s = net.synchronousStep(states);
      tf.dispose([states, s, net.energy(s)]);
    });
    patterns.dispose();
    net.dispose();
  });
});

/** Each row with k distinct random bits flipped. */
function flipBits(patterns: tf.Tensor2D, k: number, rng: Rng): tf.Tensor2D {
  const [rows, n] = patterns.shape;
  const v = Float32Array.from(patterns.dataSync());
  for (let r = 0; r < rows; r++) {
    const order = rng.permutation(n);
    for (let i = 0; i < k; i++) v[r * n + order[i]] *= -1;
  }
  return tf.tensor2d(v, [rows, n]);
}
