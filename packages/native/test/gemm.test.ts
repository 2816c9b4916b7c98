import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Native from '../index.cjs';
import { filler } from './filler.js';

const native = createRequire(import.meta.url)('../index.cjs') as typeof Native;

// On CI the addon must be there (a silent fallback would hide a broken build); elsewhere a machine without a
// compiler or AVX2 skips these tests and says why.
const required = process.env.CI === 'true';
const suite = native.available || required ? describe : describe.skip;
if (!native.available) console.warn(`@scorekit/native tests skipped: ${native.reason}`);


interface Case {
  M: number;
  N: number;
  K: number;
  ta: boolean;
  tb: boolean;
  bias: boolean;
  /** extra floats at the end of each row of C (a row stride larger than N) */
  cPad: number;
}

function run(c: Case, threads: number, seed = 1) {
  const { M, N, K, ta, tb, bias, cPad } = c;
  const ldc = N + cPad;
  // layout: 16 floats of guard, A, B, bias, C (+ guard after)
  const a = 16;
  const b = a + M * K;
  const bi = b + K * N;
  const cc = bi + N;
  const heap = new ArrayBuffer((cc + M * ldc + 16) * 4);
  const f = new Float32Array(heap);
  const rand = filler(seed);
  for (let i = 0; i < cc; i++) f[i] = rand();
  f.fill(12345, cc); // C holds garbage that must be overwritten, not added to
  const [ars, acs] = ta ? [4, M * 4] : [K * 4, 4];
  const [brs, bcs] = tb ? [4, K * 4] : [N * 4, 4];
  native.gemm(heap, M, N, K, a * 4, ars, acs, b * 4, brs, bcs, cc * 4, ldc * 4, bias ? bi * 4 : 0, threads);
  const A = (i: number, k: number) => f[a + (i * ars + k * acs) / 4];
  const B = (k: number, j: number) => f[b + (k * brs + j * bcs) / 4];
  let worst = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let exact = bias ? f[bi + j] : 0;
      let scale = Math.abs(exact);
      for (let k = 0; k < K; k++) {
        exact += A(i, k) * B(k, j);
        scale += Math.abs(A(i, k) * B(k, j));
      }
      // float32 dot product of K terms: error at most ~K·u·Σ|terms| (u = 2^-24); real errors are far smaller
      const err = Math.abs(f[cc + i * ldc + j] - exact) / ((K + 1) * 2 ** -24 * scale + 1e-30);
      worst = Math.max(worst, err);
    }
    for (let j = N; j < ldc; j++) expect(f[cc + i * ldc + j]).toBe(12345);
  }
  expect(f[cc + M * ldc]).toBe(12345);
  return { worst, out: f.slice(cc, cc + M * ldc) };
}

suite('@scorekit/native gemm', () => {
  it('is available on CI', () => {
    expect(native.reason).toBe('');
    expect(native.available).toBe(true);
  });

  const shapes = [
    [1, 1, 1],
    [6, 16, 1],
    [7, 17, 3],
    [13, 5, 300], // K over one 256 block: the Load path of the register tile
    [150, 40, 33], // M over one 144-row block
    [64, 260, 129],
    [300, 2, 261], // at most 4 columns and a row-major A: dot products (K tail of 5 after 32-wide steps)
    [7, 4, 3],
  ];
  for (const [M, N, K] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`${M}×${K}·${K}×${N} transposeA=${ta} transposeB=${tb}, with bias and padded rows`, () => {
          const { worst } = run({ M, N, K, ta, tb, bias: true, cPad: 3 }, 1);
          expect(worst).toBeLessThan(1);
        });
      }
    }
  }

  it('matches the float64 product without bias, and K = 0 gives the bias alone', () => {
    expect(run({ M: 20, N: 20, K: 20, ta: false, tb: false, bias: false, cPad: 0 }, 1).worst).toBeLessThan(1);
    const heap = new ArrayBuffer(64 * 4);
    const f = new Float32Array(heap);
    f.set([1, 2, 3], 4);
    f.fill(9, 8);
    native.gemm(heap, 2, 3, 0, 0, 0, 4, 0, 12, 4, 32, 12, 16, 1);
    expect(Array.from(f.slice(8, 14))).toEqual([1, 2, 3, 1, 2, 3]);
    native.gemm(heap, 2, 3, 0, 0, 0, 4, 0, 12, 4, 32, 12, 0, 1);
    expect(Array.from(f.slice(8, 14))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('gives the same bits on one and two threads, split by rows or by columns', () => {
    for (const c of [
      { M: 301, N: 70, K: 270, ta: false, tb: true, bias: true, cPad: 0 }, // split by rows
      { M: 20, N: 900, K: 260, ta: true, tb: false, bias: true, cPad: 1 }, // split by columns
      { M: 5000, N: 2, K: 256, ta: false, tb: false, bias: true, cPad: 0 }, // narrow: chunks of rows
    ]) {
      const one = run(c, 1, 7);
      const two = run(c, 2, 7);
      expect(one.worst).toBeLessThan(1);
      expect(two.out).toEqual(one.out);
    }
  });

  it('rejects ranges outside the heap and malformed arguments with clear errors', () => {
    const heap = new ArrayBuffer(1024);
    // C of 16×16 floats at 0 needs 1024 bytes: one more row of stride reaches past the end
    expect(() => native.gemm(heap, 16, 16, 1, 0, 4, 4, 0, 4, 4, 4, 64, 0, 1)).toThrow(/past the end of the heap/);
    expect(() => native.gemm(heap, 2, 2, 300, 0, 1200, 4, 0, 8, 4, 0, 8, 0, 1)).toThrow(RangeError);
    expect(() => native.gemm(heap, -1, 2, 2, 0, 8, 4, 0, 8, 4, 0, 8, 0, 1)).toThrow(/M must be a non-negative integer/);
    expect(() => native.gemm(heap, 2, 2, 2, 0, 8, 4, 0, 8, 4, 2, 8, 0, 1)).toThrow(/multiples of 4/);
    expect(() => native.gemm(new Float32Array(4) as unknown as ArrayBuffer, 1, 1, 1, 0, 4, 4, 0, 4, 4, 0, 4, 0, 1)).toThrow(
      /heap must be an ArrayBuffer/,
    );
    expect(() => (native.gemm as unknown as (...a: unknown[]) => void)(heap, 1, 1)).toThrow(/takes 14 arguments/);
  });
});
