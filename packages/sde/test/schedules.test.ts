import { expectClose } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { karrasSigmas, ncsnSigmas } from '../src/index.js';

describe('noise ladders', () => {
  it('NCSN: geometric from σ₁ to σ_L with a constant ratio', () => {
    const s = ncsnSigmas({ sigmaBegin: 1, sigmaEnd: 0.01, levels: 10 });
    expect(s.length).toBe(10);
    expectClose(s[0], 1, 0, 1e-15);
    expectClose(s[9], 0.01, 0, 1e-12);
    const ratio = s[1] / s[0];
    expectClose(ratio, 0.01 ** (1 / 9), 0, 1e-12);
    for (let i = 1; i < 10; i++) expectClose(s[i] / s[i - 1], ratio, 0, 1e-12);
    expect(() => ncsnSigmas({ sigmaBegin: 0.01, sigmaEnd: 1 })).toThrow(/sigmaBegin > sigmaEnd/);
  });

  it('Karras: ρ-spaced from σ_max to σ_min, then 0 (EDM: 18 steps → 19 values)', () => {
    const s = karrasSigmas(18);
    expect(s.length).toBe(19);
    expectClose(s[0], 80, 0, 1e-12);
    expectClose(s[17], 0.002, 0, 1e-9);
    expect(s[18]).toBe(0);
    for (let i = 1; i < 19; i++) expect(s[i]).toBeLessThan(s[i - 1]);
    // Midpoint (i = 17/2 is not an index; take i = 9): (80^{1/7} + 9/17·(0.002^{1/7} − 80^{1/7}))^7.
    const a = 80 ** (1 / 7);
    const b = 0.002 ** (1 / 7);
    expectClose(s[9], (a + (9 / 17) * (b - a)) ** 7, 0, 1e-12);
    expect(() => karrasSigmas(0)).toThrow(/n must be an integer ≥ 1/);
  });
});
