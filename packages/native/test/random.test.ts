// dropoutMask draws from xoshiro128** exactly as @scorekit/core's Rng does: checked against a JavaScript copy of
// that generator (the reference below), value by value and for the state it leaves, on one thread and on two (the
// stream cut into chunks whose starts are found by jumping ahead).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Native from '../index.cjs';

const native = createRequire(import.meta.url)('../index.cjs') as typeof Native;
const suite = native.available || process.env.CI === 'true' ? describe : describe.skip;

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/** Rng.nextUint32 of @scorekit/core (xoshiro128**), on an Int32Array state. */
function nextUint32(s: Int32Array): number {
  const s1 = s[1];
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  const s2 = s[2] ^ s[0];
  const s3 = s[3] ^ s1;
  s[1] = s1 ^ s2;
  s[0] ^= s3;
  s[2] = s2 ^ t;
  s[3] = rotl(s3, 11);
  return result;
}

suite('@scorekit/native dropoutMask', () => {
  it('gives the masks and the final state of the JavaScript generator', () => {
    const start = new Int32Array([0x12345678, -0x6789abc, 0x0badf00d, 0x7fffffff]);
    const rate = 0.1;
    const scale = 1 / (1 - rate);
    const n = 100_003;
    const expected = new Float32Array(n);
    const s = start.slice();
    for (let i = 0; i < n; i++) {
      const u = Math.fround(((nextUint32(s) >>> 5) * 67108864 + (nextUint32(s) >>> 6)) / 9007199254740992);
      expected[i] = u >= rate ? scale : 0;
    }
    const heap = new Float32Array(n + 8).fill(-1);
    const state = start.slice();
    native.dropoutMask(heap.buffer, 16, n, rate, scale, state);
    expect(heap.subarray(4, 4 + n)).toEqual(expected);
    expect(heap[4 + n]).toBe(-1); // nothing past the mask
    expect(Array.from(state)).toEqual(Array.from(s));
    // about a tenth dropped: 10 % ± 5σ (σ = √(0.09/n) ≈ 0.1 %)
    const dropped = expected.filter((v) => v === 0).length / n;
    expect(Math.abs(dropped - rate)).toBeLessThan(0.005);
  });

  // counts below one chunk (2^15 values), exactly whole chunks, and a partial last chunk after several
  for (const n of [1000, 3 * 32768, 5 * 32768 + 12_345]) {
    it(`${n} values on 1 and 2 threads: the JavaScript stream's masks and final state`, () => {
      const start = new Int32Array([-0x1234567, 0x2468ace, 0x13579bd, -0x7531]);
      const rate = 0.3;
      const scale = 1 / (1 - rate);
      const expected = new Float32Array(n);
      const s = start.slice();
      for (let i = 0; i < n; i++) {
        const u = Math.fround(((nextUint32(s) >>> 5) * 67108864 + (nextUint32(s) >>> 6)) / 9007199254740992);
        expected[i] = u >= rate ? scale : 0;
      }
      for (const threads of [1, 2]) {
        const heap = new Float32Array(n + 8).fill(-1);
        const state = start.slice();
        native.dropoutMask(heap.buffer, 16, n, rate, scale, state, threads);
        expect(heap.subarray(4, 4 + n)).toEqual(expected);
        expect(heap[4 + n]).toBe(-1);
        expect(Array.from(state)).toEqual(Array.from(s));
      }
    });
  }

  it('rejects a rate outside [0, 1), a state that is not four words, and a mask past the heap', () => {
    const heap = new ArrayBuffer(64);
    const state = new Int32Array([1, 2, 3, 4]);
    expect(() => native.dropoutMask(heap, 0, 4, 1, 1, state)).toThrow(/rate must be a number in \[0, 1\)/);
    expect(() => native.dropoutMask(heap, 0, 4, 0.1, 1, new Int32Array(3))).toThrow(/state must be an Int32Array/);
    expect(() => native.dropoutMask(heap, 0, 17, 0.1, 1, state)).toThrow(/inside the heap/);
  });
});
