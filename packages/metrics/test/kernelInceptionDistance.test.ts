import * as tf from '@tensorflow/tfjs-core';
import { Rng, setWasmThreads, wasmThreadsReady } from '@scorekit/core';
import { describeOnBackends, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { kernelInceptionDistance } from '../src/index.js';
import { reference } from './referenceData.js';

const real100 = reference.random.real.slice(0, 100);
const fake100 = reference.random.fake;

describe('kernelInceptionDistance (float64 path)', () => {
  it('equals torchmetrics poly_mmd when every subset is the whole set', () => {
    // With subsetSize = n each draw is a permutation of all rows, and the unbiased MMD² does not depend on order,
    // so every subset gives the reference value (numpy, float64) and the std is 0 up to rounding.
    const kid = kernelInceptionDistance(real100, fake100, { subsets: 3, subsetSize: 100 });
    expectClose(kid.mean, reference.random.kid_full, 0, 1e-12);
    expectClose(kid.std, 0, 1e-12);
  });

  it('is repeatable for a seed, changes with it, and is unbiased (≈ 0, possibly negative) for one distribution', () => {
    const rng = new Rng(5);
    const set = (n: number) => ({ data: rng.normalArray(n * 4), shape: [n, 4] as [number, number] });
    const a = set(400);
    const b = set(400);
    const k1 = kernelInceptionDistance(a, b, { subsets: 20, subsetSize: 100, seed: 1 });
    expect(kernelInceptionDistance(a, b, { subsets: 20, subsetSize: 100, seed: 1 })).toEqual(k1);
    expect(kernelInceptionDistance(a, b, { subsets: 20, subsetSize: 100, seed: 2 }).mean).not.toBe(k1.mean);
    // Same distribution: E[MMD²_u] = 0 and its per-subset std for m = 100 in 4-D is a few 1e-3, so the mean of
    // 20 subsets lies within ±0.01.
    expect(Math.abs(k1.mean)).toBeLessThan(0.01);
    const shifted = { data: b.data.map((v) => v + 1), shape: b.shape };
    expect(kernelInceptionDistance(a, shifted, { subsets: 20, subsetSize: 100, seed: 1 }).mean).toBeGreaterThan(0.1);
  });

  it('rejects sets smaller than the subset size and bad options, naming them', () => {
    expect(() => kernelInceptionDistance(real100, fake100)).toThrow(
      /real has 100 samples but subsetSize is 1000; pass subsetSize ≤ 100/,
    );
    expect(() => kernelInceptionDistance(real100, fake100.slice(0, 50), { subsetSize: 60 })).toThrow(/fake has 50 samples/);
    expect(() => kernelInceptionDistance(real100, fake100, { subsets: 0, subsetSize: 10 })).toThrow(/subsets must be an integer ≥ 1/);
    expect(() => kernelInceptionDistance(real100, fake100, { subsetSize: 10, gamma: -1 })).toThrow(/gamma must be a finite number > 0/);
  });
});

describeOnBackends('kernelInceptionDistance through float32 matMul', () => {
  it('agrees with float64 within float32 kernel rounding and leaks no tensors', async () => {
    // Kernel entries carry ~1e-7 relative float32 error (values ≈ 1–10); their sums are float64, so MMD² moves by
    // ≲ 1e-6 absolute.
    const exact = kernelInceptionDistance(real100, fake100, { subsets: 2, subsetSize: 100 });
    const fast = kernelInceptionDistance(tf.tensor2d(real100), fake100, { subsets: 2, subsetSize: 100, matmul: 'float32' });
    expectClose(fast.mean, exact.mean, 1e-6);
    await expectNoTensorLeak(() => kernelInceptionDistance(real100, fake100, { subsets: 1, subsetSize: 50, matmul: 'float32' }));
  });

  it('odd subset sizes and other degrees: within float32 rounding of float64, the same bits on one thread or two', async () => {
    // 51 rows per draw: halves of 26 and 25, so unequal diagonal tiles; degree 2 takes the generic power.
    const options = { subsets: 3, subsetSize: 51, degree: 2, coef: 0.5, seed: 4 };
    const exact = kernelInceptionDistance(real100, fake100, { ...options, matmul: 'float64' });
    setWasmThreads(1);
    const one = kernelInceptionDistance(real100, fake100, { ...options, matmul: 'float32' });
    setWasmThreads(2);
    try {
      expect(await wasmThreadsReady()).toBe(true);
      const two = kernelInceptionDistance(real100, fake100, { ...options, matmul: 'float32' });
      expect(two).toEqual(one);
    } finally {
      setWasmThreads(1);
    }
    expectClose(one.mean, exact.mean, 1e-6);
    expectClose(one.std, exact.std, 1e-6);
  });
});
