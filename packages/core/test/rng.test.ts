import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { Rng, setNativeKernels } from '../src/index.js';
import { resetNativeKernels } from '../src/native/nativeKernels.js';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(7).normalArray(100);
    const b = new Rng(7).normalArray(100);
    const c = new Rng(8).normalArray(100);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('is xoshiro128** word for word, also with the high bit set in every state word', () => {
    // outputs and states of Blackman & Vigna's reference C code (xoshiro128starstar.c), compiled and run here
    const cases = [
      {
        from: [1, 2, 3, 4],
        first: [11520, 0, 5927040, 70819200, 2031721883, 1637235492],
        after1000: 136054147,
        state: [2168815506, 997325732, 936722060, 3562051978],
      },
      {
        from: [0xffffffff, 0x80000000, 0xdeadbeef, 0x7fffffff],
        first: [576, 3132614827, 576, 2419059972, 2050771200, 4062366679],
        after1000: 21271396,
        state: [1684664873, 17422304, 4226802442, 3522617309],
      },
    ];
    for (const c of cases) {
      const rng = Rng.fromState({ words: c.from as [number, number, number, number] });
      expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual(c.first);
      for (let i = 0; i < 994; i++) rng.nextUint32();
      expect(rng.nextUint32()).toBe(c.after1000); // the 1001st word
      expect(rng.state().words).toEqual(c.state);
    }
  });

  it('resumes exactly from a saved state', () => {
    const rng = new Rng(123);
    rng.normalArray(37);
    const state = JSON.parse(JSON.stringify(rng.state()));
    const expected = rng.uniformArray(50);
    expect(Array.from(Rng.fromState(state).uniformArray(50))).toEqual(Array.from(expected));
  });

  it('rejects malformed seeds and states', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/integer in \[0, 4294967295\], got NaN/);
    // 2³² + 7 used to be folded onto 7, 2.5 onto 2 and −1 onto 2³² − 1: each is refused, naming the value.
    expect(() => new Rng(4294967303)).toThrow(/got 4294967303/);
    expect(() => new Rng(2.5)).toThrow(/got 2.5/);
    expect(() => new Rng(-1)).toThrow(/got -1/);
    // The largest seed is a seed of its own, not an alias of 0.
    expect(new Rng(4294967295).nextUint32()).not.toBe(new Rng(0).nextUint32());
    expect(() => Rng.fromState({ words: [1, 2, 3] as unknown as [number, number, number, number] })).toThrow(/four unsigned/);
    expect(() => Rng.fromState({ words: [0, 0, 0, 0] })).toThrow(/all zeros/);
  });

  it('normal draws have mean 0, variance 1 and N(0,1) tail mass', () => {
    const n = 200_000;
    const z = new Rng(1).normalArray(n);
    let m = 0;
    let v = 0;
    let beyond2 = 0;
    for (const x of z) {
      m += x;
      v += x * x;
      if (Math.abs(x) > 2) beyond2++;
    }
    m /= n;
    v = v / n - m * m;
    // 5 standard errors: mean se 1/√n, variance se √(2/n), tail proportion se √(p(1−p)/n).
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    const p = 0.0455003;
    expect(Math.abs(beyond2 / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });

  it('uniform draws fill [lo, hi) evenly', () => {
    const n = 100_000;
    const u = new Rng(2).uniformArray(n, -1, 3);
    const bins = new Array(4).fill(0);
    for (const x of u) {
      expect(x >= -1 && x < 3).toBe(true);
      bins[Math.floor(x + 1)]++;
    }
    for (const c of bins) expect(Math.abs(c / n - 0.25)).toBeLessThan(5 * Math.sqrt(0.1875 / n));
  });

  it('permutation is a permutation, and uniform over positions', () => {
    const rng = new Rng(3);
    const counts = new Array(5).fill(0);
    for (let r = 0; r < 20_000; r++) {
      const p = rng.permutation(5);
      expect(Array.from(p).sort()).toEqual([0, 1, 2, 3, 4]);
      counts[p[0]]++;
    }
    for (const c of counts) expect(Math.abs(c / 20_000 - 0.2)).toBeLessThan(5 * Math.sqrt(0.16 / 20_000));
  });

  it('fork always yields a valid state (the last word is forced odd, as an unsigned integer)', () => {
    const rng = new Rng(12);
    for (let i = 0; i < 2000; i++) expect(() => rng.fork().nextUint32()).not.toThrow();
  });

  it('fork gives an independent stream and advances the parent', () => {
    const parent = new Rng(9);
    const twin = new Rng(9);
    const child = parent.fork();
    expect(parent.nextUint32()).not.toBe(twin.nextUint32());
    expect(Array.from(child.uniformArray(5))).not.toEqual(Array.from(new Rng(9).uniformArray(5)));
  });
});

describeOnBackends('Rng tensors', () => {
  it('give the same values as the arrays, on every backend', () => {
    const t = new Rng(11).normal([3, 4], 2, 0.5);
    expect(t.shape).toEqual([3, 4]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(new Rng(11).normalArray(12, 2, 0.5)));
    const r = new Rng(5).rademacher([1000]);
    const vals = r.dataSync();
    expect(vals.every((v) => v === 1 || v === -1)).toBe(true);
    expect(Math.abs(tf.sum(r).dataSync()[0])).toBeLessThan(5 * Math.sqrt(1000));
    tf.dispose([t, r]);
  });
});

// Dropout's mask must be the same bits on every path (training stays reproducible and resumable): the JavaScript
// draws and @scorekit/native's on wasm, both against the mask written out from uniformArray's draws.
describe('Rng.dropoutMask', () => {
  const expectedMask = (from: Rng, n: number, rate: number): Float32Array => {
    const u = from.uniformArray(n);
    return u.map((v) => (v >= rate ? 1 / (1 - rate) : 0));
  };

  for (const native of [false, true]) {
    it(`is uniformArray's draws thresholded, leaving the same state (wasm, native kernels ${native ? 'on' : 'off'})`, async () => {
      await tf.setBackend('wasm');
      setNativeKernels(native);
      try {
        const rng = new Rng(5);
        rng.nextUint32(); // an arbitrary position in the stream
        const reference = Rng.fromState(rng.state());
        const before = tf.memory().numTensors;
        const mask = rng.dropoutMask([3, 7, 5, 11], 0.1);
        expect(Array.from(mask.dataSync())).toEqual(Array.from(expectedMask(reference, 3 * 7 * 5 * 11, 0.1)));
        expect(mask.shape).toEqual([3, 7, 5, 11]);
        expect(rng.state()).toEqual(reference.state());
        mask.dispose();
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        resetNativeKernels();
      }
    });
  }

  it('rejects a rate outside [0, 1) before drawing', () => {
    const rng = new Rng(1);
    const state = rng.state();
    expect(() => rng.dropoutMask([4], 1)).toThrow(/rate must be a number in \[0, 1\), got 1/);
    expect(() => rng.dropoutMask([4], -0.5)).toThrow(/rate must be a number in \[0, 1\)/);
    expect(rng.state()).toEqual(state);
  });
});
