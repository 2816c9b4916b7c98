import type * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { describe, expect, it } from 'vitest';
import { TOY_DATASET_NAMES, checkerboard, rings, sampleToyDataset, swissRoll, twoMoons } from '../src/index.js';

const arr = (t: tf.Tensor) => t.arraySync() as number[][];

describe('2D toy data sets', () => {
  it('two moons: every point within 5 noise-σ of its moon, half on each', () => {
    const noise = 0.02;
    const p = arr(twoMoons(2000, new Rng(1), { noise }));
    let upper = 0;
    for (const [x, y] of p) {
      const dUpper = Math.abs(Math.hypot(x, y) - 1);
      const dLower = Math.abs(Math.hypot(x - 1, y - 0.5) - 1);
      expect(Math.min(dUpper, dLower)).toBeLessThan(5 * noise * Math.SQRT2);
      if (dUpper < dLower) upper++;
    }
    expect(Math.abs(upper / 2000 - 0.5)).toBeLessThan(0.02);
  });

  it('checkerboard: every point on a dark square, columns equally filled', () => {
    const p = arr(checkerboard(4000, new Rng(2)));
    const columns = [0, 0, 0, 0];
    for (const [x, y] of p) {
      expect(Math.abs(x) <= 2 && Math.abs(y) <= 2).toBe(true);
      expect((Math.floor(x) + Math.floor(y)) % 2 === 0).toBe(true);
      columns[Math.floor(x + 2)]++;
    }
    // binomial sd √(n·¼·¾) ≈ 27: allow 5 sd.
    for (const c of columns) expect(Math.abs(c - 1000)).toBeLessThan(140);
  });

  it('rings: radii cluster at 1, 2, 3 with shares 1:2:3', () => {
    const p = arr(rings(6000, new Rng(3), { noise: 0.01 }));
    const counts = [0, 0, 0];
    for (const [x, y] of p) {
      const r = Math.hypot(x, y);
      const k = Math.round(r);
      expect(Math.abs(r - k)).toBeLessThan(0.06);
      counts[k - 1]++;
    }
    [1, 2, 3].forEach((r, i) => expect(Math.abs(counts[i] / 6000 - r / 6)).toBeLessThan(0.03));
  });

  it('swiss roll: points lie on the spiral r = s/5 with angle s', () => {
    const p = arr(swissRoll(1000, new Rng(4), { noise: 0 }));
    for (const [x, y] of p) {
      const s = 5 * Math.hypot(x, y);
      expect(s).toBeGreaterThanOrEqual(1.5 * Math.PI - 1e-4);
      expect(s).toBeLessThanOrEqual(4.5 * Math.PI + 1e-4);
      expect(Math.abs(Math.cos(s) * s / 5 - x)).toBeLessThan(1e-4);
    }
  });

  it('registry: every name draws n × 2 points; unknown names list the allowed ones', () => {
    for (const name of TOY_DATASET_NAMES) expect(sampleToyDataset(name, 10, new Rng(0)).shape).toEqual([10, 2]);
    expect(() => sampleToyDataset('spirals', 10, new Rng(0))).toThrow(/Unknown 2D dataset 'spirals'. Allowed: ncsn-mixture, two-moons/);
    expect(Array.from(sampleToyDataset('two-moons', 5, new Rng(7)).dataSync())).toEqual(Array.from(twoMoons(5, new Rng(7)).dataSync()));
  });
});
