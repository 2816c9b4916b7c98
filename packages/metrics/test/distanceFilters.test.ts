import { Rng } from '@scorekit/core';
import { describe, expect, it } from 'vitest';
import { DistanceFilters } from '../src/internal/distanceFilters.js';

// The SIMD filters must pass exactly the entries a plain float64 loop would: the same expression, (a + b) − 2g,
// the same strict comparisons. Thresholds are set to some entries' own distances so that ties (which must fail
// `<` and fail `>`) occur in every lane position, and widths not divisible by 4 exercise the scalar tails.

const rng = new Rng(5);

function block(h: number, w: number) {
  const g = Float32Array.from(rng.normalArray(h * w), (v) => 3 * v);
  const rowA = Float64Array.from(rng.normalArray(h), (v) => 20 + v);
  const colA = Float64Array.from(rng.normalArray(w), (v) => 20 + v);
  const dist = (i: number, j: number) => rowA[i] + colA[j] - 2 * g[i * w + j];
  // Thresholds near the typical distance (~40 ± 9), some equal to an entry of their row or column exactly.
  const rowT = Float64Array.from(rng.normalArray(h), (v, i) => (i % 3 === 0 ? dist(i, (7 * i) % w) : 32 + 4 * v));
  const colT = Float64Array.from(rng.normalArray(w), (v, j) => (j % 3 === 1 ? dist((5 * j) % h, j) : 32 + 4 * v));
  return { g, rowA, colA, rowT, colT, dist };
}

describe('DistanceFilters (WebAssembly SIMD) against a plain loop', () => {
  for (const [h, w] of [[9, 13], [16, 16], [3, 7], [40, 37]]) {
    it(`near: ${h} × ${w}, whole and in row stripes, diagonal or not`, () => {
      const { g, rowA, colA, rowT, colT, dist } = block(h, w);
      const filters = new DistanceFilters(64, 64);
      filters.setBlock(g, h, w, colA);
      for (const diagonal of [false, true]) {
        const expected: number[] = [];
        for (let i = 0; i < h; i++) {
          for (let j = diagonal ? i : 0; j < w; j++) {
            const v = dist(i, j);
            if (v < rowT[i] || v < colT[j]) expected.push(i * w + j);
          }
        }
        expect(expected.length, 'the case passes some entries and drops others').toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(h * w);
        expect(Array.from(filters.near(0, h, rowA, rowT, colT, diagonal))).toEqual(expected);
        const striped: number[] = [];
        for (let r0 = 0; r0 < h; r0 += 4) {
          striped.push(...filters.near(r0, Math.min(h, r0 + 4), rowA, rowT, colT, diagonal));
        }
        expect(striped).toEqual(expected);
      }
    });

    it(`cross: ${h} × ${w}`, () => {
      const { g, rowA, colA, rowT, colT, dist } = block(h, w);
      const filters = new DistanceFilters(64, 64);
      const expected: number[] = [];
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          const low = dist(i, j);
          if (!(low > rowT[i] && low > colT[j])) expected.push(i * w + j);
        }
      }
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(h * w);
      expect(Array.from(filters.cross(g, h, w, rowA, rowT, colA, colT))).toEqual(expected);
    });
  }

  it('passes every entry when every entry is a candidate (the output holds a whole block)', () => {
    const h = 8;
    const w = 8;
    const filters = new DistanceFilters(h, w);
    const zeros = new Float64Array(8);
    const inf = new Float64Array(8).fill(Infinity);
    filters.setBlock(new Float32Array(h * w), h, w, zeros);
    expect(filters.near(0, h, zeros, inf, inf, false).length).toBe(h * w);
    expect(filters.cross(new Float32Array(h * w), h, w, zeros, inf, zeros, inf).length).toBe(h * w);
  });
});
