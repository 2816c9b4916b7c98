import * as tf from '@tensorflow/tfjs-core';
import { Rng, setWasmThreads, wasmThreadsReady } from '@scorekit/core';
import { describeOnBackends, expectNoTensorLeak } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { prdc, precisionRecall } from '../src/index.js';
import { toFeatureMatrix } from '../src/internal/featureMatrix.js';
import { crossCounts, distanceEngine, kthNeighbourSq } from '../src/internal/neighbourhoods.js';
import { reference } from './referenceData.js';

// Precision/recall/density/coverage are ratios of integer counts; every comparison is settled in float64, so the
// expected values below are matched exactly (toBe), on every path and backend.

describe('precisionRecall and prdc against the Python references (float64 path)', () => {
  it('issue example: k = 1 with ≤ gives P 5/6, R 1; prdc k = 2 gives P 5/6, R 1, D 0.75, C 1', () => {
    const { real, fake } = reference.small;
    expect(precisionRecall(real, fake, { k: 1 })).toEqual({ precision: 5 / 6, recall: 1 });
    expect(reference.small.pr_k1).toEqual([5 / 6, 1]);
    expect(prdc(real, fake, { k: 2 })).toEqual({ precision: 5 / 6, recall: 1, density: 0.75, coverage: 1 });
  });

  it('random 16-D sets: Kynkäänniemi k = 3 and prdc k = 5', () => {
    const { real, fake } = reference.random;
    const pr = precisionRecall(real, fake);
    expect([pr.precision, pr.recall]).toEqual(reference.random.pr_k3);
    const r = prdc(real, fake);
    expect(r.precision).toBe(reference.random.prdc_k5.precision);
    expect(r.recall).toBe(reference.random.prdc_k5.recall);
    expect(r.density).toBeCloseTo(reference.random.prdc_k5.density, 14);
    expect(r.coverage).toBe(reference.random.prdc_k5.coverage);
  });

  it('≤ and < differ exactly on ties: a point on a radius counts for precisionRecall, not for prdc', () => {
    // real: 0 and 2 on a line (k = 1 radius 2 each); fake 4 sits exactly on the ball of 2, fake 1 inside both.
    const real = [[0], [2]];
    const fake = [[4], [1]];
    expect(precisionRecall(real, fake, { k: 1 }).precision).toBe(1);
    expect(prdc(real, fake, { k: 1 }).precision).toBe(0.5);
  });

  it('identical sets have precision = recall = 1 and coverage 1', () => {
    const { real } = reference.random;
    expect(precisionRecall(real, real)).toEqual({ precision: 1, recall: 1 });
    const r = prdc(real, real);
    expect(r.precision).toBe(1);
    expect(r.coverage).toBe(1);
  });
});

describeOnBackends('precisionRecall through float32 matMul', () => {
  it('gives exactly the float64 counts, across several blocks and with exact ties', () => {
    const rng = new Rng(11);
    const d = 5;
    // Integer-valued features make many exact ties (distances equal to radii), the hardest case for float32;
    // 64-row blocks over 250 and 230 rows exercise full, partial and diagonal blocks.
    const grid = (count: number) =>
      toFeatureMatrix(
        Array.from({ length: count }, () => Array.from({ length: d }, () => rng.randint(0, 4) + 100)),
        'grid',
      );
    const x = grid(250);
    const y = grid(230);
    const exact = distanceEngine(x, y, 'float64');
    const fast = distanceEngine(x, y, 'float32', 64);
    expect(fast.x.centred).not.toBeNull();
    for (const k of [1, 3]) {
      const rx = kthNeighbourSq(exact, 'x', k);
      const ry = kthNeighbourSq(exact, 'y', k);
      expect(kthNeighbourSq(fast, 'x', k)).toEqual(rx);
      expect(kthNeighbourSq(fast, 'y', k)).toEqual(ry);
      for (const strict of [false, true]) expect(crossCounts(fast, rx, ry, strict)).toEqual(crossCounts(exact, rx, ry, strict));
    }
  });

  it('two threads (the worker computing other blocks than the main thread) give the same exact counts', async () => {
    const rng = new Rng(13);
    const grid = (count: number) =>
      toFeatureMatrix(
        Array.from({ length: count }, () => Array.from({ length: 6 }, () => rng.randint(0, 3) + 50)),
        'grid',
      );
    const x = grid(300);
    const y = grid(270);
    const exact = distanceEngine(x, y, 'float64');
    setWasmThreads(2);
    try {
      expect(await wasmThreadsReady()).toBe(true);
      const fast = distanceEngine(x, y, 'float32', 40);
      const rx = kthNeighbourSq(exact, 'x', 3);
      const ry = kthNeighbourSq(exact, 'y', 3);
      expect(kthNeighbourSq(fast, 'x', 3)).toEqual(rx);
      expect(kthNeighbourSq(fast, 'y', 3)).toEqual(ry);
      expect(crossCounts(fast, rx, ry, false)).toEqual(crossCounts(exact, rx, ry, false));
    } finally {
      setWasmThreads(1);
    }
  });

  it('public API: float32 and float64 paths agree over two 1024-row blocks', () => {
    const rng = new Rng(12);
    const gauss = (n: number, shift: number) => {
      const z = rng.normalArray(n * 8);
      return { data: z.map((v) => v + shift), shape: [n, 8] as [number, number] };
    };
    const real = gauss(1100, 0);
    const fake = gauss(1050, 0.3);
    expect(prdc(real, fake, { matmul: 'float32' })).toEqual(prdc(real, fake, { matmul: 'float64' }));
  });

  it('matches the references on the float32 path and leaks no tensors', async () => {
    const real = tf.tensor2d(reference.random.real);
    const fake = tf.tensor2d(reference.random.fake);
    const pr = precisionRecall(real, fake, { matmul: 'float32' });
    expect([pr.precision, pr.recall]).toEqual(reference.random.pr_k3);
    await expectNoTensorLeak(() => prdc(real, fake, { matmul: 'float32' }));
    tf.dispose([real, fake]);
  });
});

describe('precisionRecall input errors', () => {
  it('names the argument and the allowed values', () => {
    const three = [[0], [1], [2]];
    expect(() => precisionRecall(three, [[0], [1], [2], [3]])).toThrow(/real needs more than k = 3 samples.*got 3/);
    expect(() => prdc([[0], [1], [2], [3], [4], [5]], three)).toThrow(/fake needs more than k = 5 samples/);
    expect(() => precisionRecall(three, three, { k: 0 })).toThrow(/k must be an integer ≥ 1; got 0/);
    expect(() => precisionRecall(three, [[0, 1], [1, 1], [2, 1]], { k: 1 })).toThrow(/same number of features/);
    expect(() => precisionRecall([[0], [NaN], [2]], three, { k: 1 })).toThrow(/real has a non-finite value \(NaN\) at row 1/);
  });
});
