import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Native from '../index.cjs';

const native = createRequire(import.meta.url)('../index.cjs') as typeof Native;
const suite = native.available || process.env.CI === 'true' ? describe : describe.skip;

const sig = (x: number): number => 1 / (1 + Math.exp(-x));
// float64 values at the float32 input the kernel sees
const exact = {
  silu: (x: number) => x * sig(x),
  siluDerivative: (x: number) => sig(x) * (1 + x * (1 - sig(x))),
};

/** 4003 points on [−40, 40] (a tail of 3 after whole vectors), and the clamp edges and beyond. */
const xs = [
  ...Array.from({ length: 4003 }, (_, i) => Math.fround(-40 + i * 0.02)),
  -1000, -100, -88.5, -88.25, -87.3, -20, -1.2784645, -1e-30, 0, 1e-30, 5e-8, 87, 88.5, 100, 1000,
].map(Math.fround);

function apply(which: 'silu' | 'siluDerivative', values: number[], threads = 1, offset = 1): Float32Array {
  // inputs at float `offset` (unaligned on purpose), outputs right after, a guard value after those
  const heap = new ArrayBuffer((offset + 2 * values.length + 1) * 4);
  const f = new Float32Array(heap);
  f.set(values, offset);
  const dst = offset + values.length;
  f[dst + values.length] = 777;
  native[which](heap, offset * 4, dst * 4, values.length, threads);
  expect(f[dst + values.length]).toBe(777);
  return f.slice(dst, dst + values.length);
}

suite('@scorekit/native SiLU kernels', () => {
  it('SiLU within 4e-7 relative (plus 5e-37 absolute) of the float64 value', () => {
    const got = apply('silu', xs);
    xs.forEach((x, i) => {
      const want = exact.silu(x);
      // rounding 6e-8, exp's polynomial 1.2e-7, a few more roundings; below −88.3 σ = 0 and |x·σ(x)| ≤ 4e-37
      if (!(Math.abs(got[i] - want) <= 4e-7 * Math.abs(want) + 5e-37)) throw new Error(`silu(${x}) = ${got[i]}, want ${want}`);
    });
  });

  it("SiLU' within 4e-7 of the float64 value (its values lie in [−0.1, 1.1])", () => {
    const got = apply('siluDerivative', xs);
    xs.forEach((x, i) => {
      const want = exact.siluDerivative(x);
      if (!(Math.abs(got[i] - want) <= 4e-7)) throw new Error(`silu'(${x}) = ${got[i]}, want ${want}`);
    });
  });

  it('NaN stays NaN, SiLU(+∞) = +∞, SiLU(−∞) = −∞·0 = NaN as in torch', () => {
    const got = apply('silu', [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Number.isNaN(got[0])).toBe(true);
    expect(got[1]).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(got[2])).toBe(true);
    expect(Number.isNaN(apply('siluDerivative', [Number.NaN])[0])).toBe(true);
  });

  it('works in place, and gives the same bits on two threads over many chunks', () => {
    const n = 300_001;
    const values = Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 30));
    const one = apply('silu', values, 1);
    expect(apply('silu', values, 2)).toEqual(one);
    const heap = new ArrayBuffer(n * 4);
    const f = new Float32Array(heap);
    f.set(values);
    native.silu(heap, 0, 0, n, 2);
    expect(f).toEqual(one);
  });

  it('rejects ranges outside the heap and bad arguments', () => {
    const heap = new ArrayBuffer(64);
    expect(() => native.silu(heap, 0, 32, 9, 1)).toThrow(/past the end of the heap \(64 bytes\)/);
    expect(() => native.silu(heap, 2, 0, 1, 1)).toThrow(/multiples of 4 bytes/);
    expect(() => native.siluDerivative(heap, 0, 0, 1.5, 1)).toThrow(/siluDerivative: count must be a non-negative integer/);
    expect(() => (native.silu as unknown as (...a: unknown[]) => void)(heap, 0)).toThrow(/takes 5 arguments/);
  });
});
