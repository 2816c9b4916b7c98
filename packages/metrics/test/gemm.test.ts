import { describe, expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { expectNoTensorLeak } from '@scorekit/test-utils';
import { gram } from '../src/internal/gemm.js';

/** The largest entry error relative to √(GᵢᵢGⱼⱼ), and whether the result is exactly symmetric. */
function compare(fast: Float64Array, exact: Float64Array, d: number): { worst: number; symmetric: boolean } {
  let worst = 0;
  let symmetric = true;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const scale = Math.sqrt(exact[i * d + i] * exact[j * d + j]);
      worst = Math.max(worst, Math.abs(fast[i * d + j] - exact[i * d + j]) / scale);
      if (fast[i * d + j] !== fast[j * d + i]) symmetric = false;
    }
  }
  return { worst, symmetric };
}

describe('gram (XᵀX) through float32 GEMM bands', () => {
  it('equals the float64 product on every entry, across several 512-row chunks and 512-column bands', async () => {
    // n = 600: two chunks; d = 1100: bands of 512, 512 and 76 columns, so every band/diagonal case is visited.
    const n = 600;
    const d = 1100;
    const x = new Rng(7).normalArray(n * d);
    const exact = gram(x, n, d, 'float64');
    // 16 chunks per flush: both chunks summed on the device, one download; 1: each chunk summed in float64.
    for (const chunksPerFlush of [16, 1]) {
      const { worst, symmetric } = compare(gram(x, n, d, 'float32', chunksPerFlush), exact, d);
      // A float32 dot product of length 512 errs by ≲ 512·u·Σ|xᵢ||xⱼ| ≤ 512·u·√(GᵢᵢGⱼⱼ) in the worst case
      // (u = 2⁻²⁴: 3e-5); typical is √512·u ≈ 1.3e-6. A missing or doubled tile would be off by O(1).
      expect(worst).toBeLessThan(3e-5);
      expect(symmetric).toBe(true);
    }
    await expectNoTensorLeak(() => gram(x.subarray(0, n * 40), n, 40, 'float32', 1));
  });
});
