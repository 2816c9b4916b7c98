import { afterAll, describe, expect, it } from 'vitest';
import { Rng, setWasmThreads, wasmThreadsReady } from '@scorekit/core';
import { describeOnBackends, expectNoTensorLeak } from '@scorekit/test-utils';
import { gram, gramByBlocks, gramByTfMatMul } from '../src/internal/gemm.js';

/** The largest upper-triangle entry error relative to √(GᵢᵢGⱼⱼ). */
function worstUpper(fast: Float64Array, exact: Float64Array, d: number): number {
  let worst = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const scale = Math.sqrt(exact[i * d + i] * exact[j * d + j]);
      worst = Math.max(worst, Math.abs(fast[i * d + j] - exact[i * d + j]) / scale);
    }
  }
  return worst;
}

function isSymmetric(m: Float64Array, d: number): boolean {
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) if (m[i * d + j] !== m[j * d + i]) return false;
  return true;
}

// n = 600: a full 512-row chunk and an 88-row one (zero-padded in the stacked transposes); d = 1101: tiles of
// 512, 512 and 77 columns (77: the row adds' scalar tail), so every tile/diagonal case is visited.
const n = 600;
const d = 1101;
const x = new Rng(7).normalArray(n * d);
const exact = gram(x, n, d, 'float64');
// A float32 dot product of length 512 errs by ≲ 512·u·Σ|xᵢ||xⱼ| ≤ 512·u·√(GᵢᵢGⱼⱼ) in the worst case (u = 2⁻²⁴:
// 3.05e-5; (512 + 16)·u = 3.1e-5 with 16 chunks summed in float32 first); typical is √512·u ≈ 1.3e-6. A missing,
// doubled or misplaced tile or chunk would be off by O(1).
const BOUND = 3.2e-5;

describeOnBackends('gram (XᵀX) through float32 GEMM chunks', () => {
  it('equals the float64 product on every entry and is symmetric', () => {
    const fast = gram(x, n, d, 'float32');
    expect(worstUpper(fast, exact, d)).toBeLessThan(BOUND);
    expect(isSymmetric(fast, d)).toBe(true);
  });

  it('through tf.matMul (tfjs-node and GPU backends): 16 chunks summed on the device, or each in float64', async () => {
    for (const chunksPerFlush of [16, 1]) expect(worstUpper(gramByTfMatMul(x, n, d, chunksPerFlush), exact, d)).toBeLessThan(BOUND);
    await expectNoTensorLeak(() => gramByTfMatMul(x.subarray(0, n * 40), n, 40, 1));
  });
});

describe('gram on two threads', () => {
  afterAll(() => setWasmThreads(1));

  it('gives the same bits as on one thread (each tile sums its chunks in order)', async () => {
    setWasmThreads(1);
    const one = gramByBlocks(x, n, d);
    setWasmThreads(2);
    expect(await wasmThreadsReady()).toBe(true);
    // 5 000 rows: ten chunks per tile, so blocks of one tile go to both threads and can arrive out of order. The
    // chunks' scales differ by up to 2³⁰, so float64 sums of their products round differently in another order.
    const big = new Rng(8).normalArray(5000 * 64);
    for (let r = 0; r < 5000; r++) {
      const scale = 2 ** (3 * (Math.floor(r / 512) % 11));
      for (let j = 0; j < 64; j++) big[r * 64 + j] *= scale;
    }
    const twoBig = gramByBlocks(big, 5000, 64);
    expect(gramByBlocks(x, n, d)).toEqual(one);
    setWasmThreads(1);
    expect(twoBig).toEqual(gramByBlocks(big, 5000, 64));
  });
});
