// arithmetic (+, −, × with a network's broadcasts), sumMiddle (sums over an axis run) and conv2dFused (conv2d with
// a residual block's last step): against plain JavaScript references — exactly where the operation is one float32
// rounding per element, to a bound on float32 summation error for the sums — with the same bits on one and two
// threads, and clear errors for arguments that do not fit.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Native from '../index.cjs';
import { filler } from './filler.js';

const native = createRequire(import.meta.url)('../index.cjs') as typeof Native;
const suite = native.available || process.env.CI === 'true' ? describe : describe.skip;

const ops = [
  ['add', 0, (x: number, y: number) => Math.fround(x + y)],
  ['subtract', 1, (x: number, y: number) => Math.fround(x - y)],
  ['multiply', 2, (x: number, y: number) => Math.fround(x * y)],
] as const;

// [label, count, period, repeat]: the broadcasts of a network's tensors, sized past the 32 Ki-float chunks so that
// both threads take some and chunk edges fall inside rows of b
const forms: [string, number, number, number][] = [
  ['same shape', 100_003, 100_003, 1],
  ['scalar', 70_001, 1, 70_001],
  ['per-channel vector of […, 48]', 48 * 2001, 48, 2001],
  ['per-sample [5, 1, 1, 40] against [5, 23, 19, 40]', 5 * 23 * 19 * 40, 40, 23 * 19],
  ['leading scalar per sample [7, 1] against [7, 9001]', 7 * 9001, 1, 9001],
];

function heap(floats: number, seed: number): Float32Array<ArrayBuffer> {
  const f = new Float32Array(floats);
  const rand = filler(seed);
  for (let i = 0; i < floats; i++) f[i] = rand() * 3;
  return f;
}

suite('@scorekit/native arithmetic', () => {
  for (const [name, op, ref] of ops) {
    for (const [label, count, period, repeat] of forms) {
      it(`${name}, ${label}: one float32 rounding per element, the same bits on 1 and 2 threads`, () => {
        const bCount = count / repeat;
        const results: Float32Array[] = [];
        for (const threads of [1, 2]) {
          const f = heap(2 * count + bCount + 8, 3);
          const a = 4;
          const b = a + count;
          const out = b + bCount;
          native.arithmetic(f.buffer, op, a * 4, b * 4, out * 4, count, period, repeat, threads);
          let wrong = 0;
          for (let i = 0; i < count; i++) {
            const j = Math.floor(i / (period * repeat)) * period + (i % period);
            if (f[out + i] !== ref(f[a + i], f[b + j])) wrong++;
          }
          expect(wrong).toBe(0);
          results.push(f.slice(out, out + count));
        }
        expect(results[1]).toEqual(results[0]);
      });
    }
  }

  it('works in place (out = a), as tfjs never asks but a caller may', () => {
    const f = heap(2000, 5);
    const want = Array.from({ length: 1000 }, (_, i) => Math.fround(f[i] * f[1000 + (i % 10)]));
    native.arithmetic(f.buffer, 2, 0, 4000, 0, 1000, 10, 100, 2);
    expect(Array.from(f.subarray(0, 1000))).toEqual(want);
  });

  it('refuses an unknown op, a count that is not whole rows of b, and ranges outside the heap', () => {
    const f = new Float32Array(64);
    expect(() => native.arithmetic(f.buffer, 3 as never, 0, 0, 0, 8, 8, 1, 1)).toThrow(/op must be 0 \(add\), 1 \(subtract\) or 2 \(multiply\)/);
    expect(() => native.arithmetic(f.buffer, 0, 0, 0, 0, 10, 4, 1, 1)).toThrow(/count a multiple of period·repeat/);
    expect(() => native.arithmetic(f.buffer, 0, 0, 0, 0, 8, 0, 1, 1)).toThrow(/period and repeat must be ≥ 1/);
    expect(() => native.arithmetic(f.buffer, 0, 0, 0, 200, 16, 16, 1, 1)).toThrow(/out is not a float array inside the heap/);
  });
});

suite('@scorekit/native sumMiddle', () => {
  // [label, outer, middle, inner]: bias gradients (outer 1, many rows), per-sample channel sums, a single column,
  // an empty middle (sums of nothing are 0)
  const shapes: [string, number, number, number][] = [
    ['bias gradient [25088, 32] → [32]', 1, 25_088, 32],
    ['per-sample [6, 28·28, 40] → [6, 40]', 6, 784, 40],
    ['one column [3, 5000, 1]', 3, 5000, 1],
    ['odd sizes [2, 1037, 7]', 2, 1037, 7],
    ['an empty middle [4, 0, 5]', 4, 0, 5],
  ];
  for (const [label, outer, middle, inner] of shapes) {
    it(`${label}: within float32 summation error of float64 sums, the same bits on 1 and 2 threads`, () => {
      const results: Float32Array[] = [];
      for (const threads of [1, 2]) {
        const size = outer * middle * inner;
        const f = heap(size + outer * inner + 4, 11);
        const out = size + 2;
        f.fill(777, out, out + outer * inner);
        native.sumMiddle(f.buffer, 0, out * 4, outer, middle, inner, threads);
        for (let o = 0; o < outer; o++)
          for (let c = 0; c < inner; c++) {
            let exact = 0;
            let magnitude = 0;
            for (let m = 0; m < middle; m++) {
              const v = f[(o * middle + m) * inner + c];
              exact += v;
              magnitude += Math.abs(v);
            }
            // float32 sums in blocks of max(8, 16384 / inner) rows, the blocks added in double: a block's error is
            // ≤ rows·2⁻²⁴·Σ|x| (the recursive-summation bound), so ≤ rows·6e-8·Σ|x| overall
            const rows = Math.min(middle, Math.max(8, Math.floor(16384 / inner)));
            const bound = rows * 6e-8 * magnitude;
            expect(Math.abs(f[out + o * inner + c] - exact)).toBeLessThanOrEqual(bound);
          }
        results.push(f.slice(out, out + outer * inner));
      }
      expect(results[1]).toEqual(results[0]);
    });
  }

  it('refuses ranges outside the heap', () => {
    const f = new Float32Array(64);
    expect(() => native.sumMiddle(f.buffer, 0, 0, 2, 40, 1, 1)).toThrow(/x is not a float array inside the heap/);
    expect(() => native.sumMiddle(f.buffer, 0, 250, 1, 4, 4, 1)).toThrow(/out is not a float array inside the heap/);
  });
});

suite('@scorekit/native conv2dFused', () => {
  // the U-Net block's shapes in small: 'same' 3×3 with 20 output channels (a full and a partial 16-lane panel)
  const g = { batch: 3, inH: 7, inW: 6, inC: 9, outC: 20 };
  const T = 9;
  const panels = Math.ceil(g.outC / 16);
  const pixels = g.batch * g.inH * g.inW;
  const x = 4;
  const w = x + pixels * g.inC;
  const bias = w + panels * T * g.inC * 16;
  const sampleBias = bias + g.outC;
  const residual = sampleBias + g.batch * g.outC;
  const out = residual + pixels * g.outC;
  const plain = out + pixels * g.outC;

  function layout(): Float32Array<ArrayBuffer> {
    const f = heap(plain + pixels * g.outC + 8, 21);
    return f;
  }
  const conv = (f: Float32Array<ArrayBuffer>, dst: number, threads: number) =>
    native.conv2d(f.buffer, x * 4, g.batch, g.inH, g.inW, g.inC, 1, 1, w * 4, bias * 4, 3, 3, 1, 1, 1, 1, g.inH, g.inW, g.outC,
      dst * 4, g.outC, g.inW * g.outC, g.inH * g.inW * g.outC, threads);

  for (const [label, withSample, withResidual, scale] of [
    ['sample bias (a block’s first conv)', true, false, 1],
    ['residual and 1/√2 (a block’s last conv)', false, true, Math.SQRT1_2],
    ['all of them', true, true, 0.5],
  ] as const) {
    it(`${label}: the bits of conv2d (+ bias) followed by the separate float32 operations, on 1 and 2 threads`, () => {
      const results: Float32Array[] = [];
      for (const threads of [1, 2]) {
        const f = layout();
        conv(f, plain, 1);
        native.conv2dFused(f.buffer, x * 4, g.batch, g.inH, g.inW, g.inC, 1, 1, w * 4, 3, 3, 1, 1, 1, 1, g.inH, g.inW, g.outC,
          out * 4, bias * 4, withSample ? sampleBias * 4 : 0, withResidual ? residual * 4 : 0, scale, threads);
        const s = Math.fround(scale);
        let wrong = 0;
        for (let i = 0; i < pixels * g.outC; i++) {
          const n = Math.floor(i / (g.inH * g.inW * g.outC));
          let v = f[plain + i];
          if (withSample) v = Math.fround(v + f[sampleBias + n * g.outC + (i % g.outC)]);
          if (withResidual) v = Math.fround(f[residual + i] + v);
          if (scale !== 1) v = Math.fround(v * s);
          if (f[out + i] !== v) wrong++;
        }
        expect(wrong).toBe(0);
        results.push(f.slice(out, out + pixels * g.outC));
      }
      expect(results[1]).toEqual(results[0]);
    });
  }

  it('refuses a residual outside the heap and a non-finite scale', () => {
    const f = layout();
    const call = (res: number, scale: number) =>
      native.conv2dFused(f.buffer, x * 4, g.batch, g.inH, g.inW, g.inC, 1, 1, w * 4, 3, 3, 1, 1, 1, 1, g.inH, g.inW, g.outC,
        out * 4, 0, 0, res, scale, 1);
    expect(() => call(f.length * 4 - 8, 1)).toThrow(/residual is not a float array inside the heap/);
    expect(() => call(0, Number.NaN)).toThrow(/scale must be a finite number/);
  });
});

suite('@scorekit/native upsample2x and sumPool2x', () => {
  const [n, h, w, c] = [3, 5, 7, 40];
  const small = n * h * w * c;
  it('copies each pixel into its 2 × 2 block, and sums each block in tfjs’s order, the same bits on 1 and 2 threads', () => {
    const results: Float32Array[] = [];
    for (const threads of [1, 2]) {
      const f = heap(small + 4 * small + 4 * small + small, 31);
      const x = 0;
      const up = small;
      const dy = 5 * small;
      const pooled = 9 * small;
      native.upsample2x(f.buffer, x * 4, up * 4, n, h, w, c, threads);
      native.sumPool2x(f.buffer, dy * 4, pooled * 4, n, h, w, c, threads);
      let wrong = 0;
      for (let s = 0; s < n; s++)
        for (let i = 0; i < 2 * h; i++)
          for (let j = 0; j < 2 * w; j++)
            for (let k = 0; k < c; k++) {
              const got = f[up + ((s * 2 * h + i) * 2 * w + j) * c + k];
              if (got !== f[x + ((s * h + (i >> 1)) * w + (j >> 1)) * c + k]) wrong++;
            }
      for (let s = 0; s < n; s++)
        for (let i = 0; i < h; i++)
          for (let j = 0; j < w; j++)
            for (let k = 0; k < c; k++) {
              const at = (di: number, dj: number) => f[dy + ((s * 2 * h + 2 * i + di) * 2 * w + 2 * j + dj) * c + k];
              const want = Math.fround(Math.fround(Math.fround(at(0, 0) + at(0, 1)) + at(1, 0)) + at(1, 1));
              if (f[pooled + ((s * h + i) * w + j) * c + k] !== want) wrong++;
            }
      expect(wrong).toBe(0);
      results.push(f.slice(up, 5 * small), f.slice(pooled, pooled + small));
    }
    expect(results[2]).toEqual(results[0]);
    expect(results[3]).toEqual(results[1]);
  });

  it('refuses an output past the heap', () => {
    const f = new Float32Array(100);
    expect(() => native.upsample2x(f.buffer, 0, 200, 1, 2, 2, 4, 1)).toThrow(/out is not a float array inside the heap/);
    expect(() => native.sumPool2x(f.buffer, 0, 0, 1, 4, 4, 4, 1)).toThrow(/dy is not a float array inside the heap/);
  });
});

suite('@scorekit/native copyRows', () => {
  it('copies strided rows (a channel concat of [40000, 24] and [40000, 8]) exactly, on 1 and 2 threads', () => {
    const rows = 40_000;
    for (const threads of [1, 2]) {
      const f = heap(rows * 24 + rows * 8 + rows * 32, 41);
      const a = 0;
      const b = rows * 24;
      const out = b + rows * 8;
      f.fill(-7, out);
      native.copyRows(f.buffer, a * 4, 24 * 4, out * 4, 32 * 4, rows, 24 * 4, threads);
      native.copyRows(f.buffer, b * 4, 8 * 4, (out + 24) * 4, 32 * 4, rows, 8 * 4, threads);
      let wrong = 0;
      for (let r = 0; r < rows; r++)
        for (let k = 0; k < 32; k++) {
          const want = k < 24 ? f[a + r * 24 + k] : f[b + r * 8 + k - 24];
          if (f[out + r * 32 + k] !== want) wrong++;
        }
      expect(wrong).toBe(0);
    }
  });

  it('refuses a row past the heap', () => {
    const f = new Float32Array(64);
    expect(() => native.copyRows(f.buffer, 0, 16, 128, 16, 9, 16, 1)).toThrow(/a row reaches past the end of the heap/);
  });
});
