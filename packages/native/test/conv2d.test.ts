// conv2d and conv2dFilterGrad read zeros outside an unpadded input implicitly: checked against float64 sums with
// explicit padding (including negative padding, which crops, as the input gradient's sub-pixel phases use), against
// the padded-copy entry points, and for the same bits on one and two threads.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Native from '../index.cjs';
import { filler } from './filler.js';

const native = createRequire(import.meta.url)('../index.cjs') as typeof Native;
const suite = native.available || process.env.CI === 'true' ? describe : describe.skip;

interface Case {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  padTop: number;
  padLeft: number;
  kH: number;
  kW: number;
  dH: number;
  dW: number;
  sH: number;
  sW: number;
  outH: number;
  outW: number;
  outC: number;
}

const cases: [string, Case][] = [
  // 'same' 3×3, stride 1, odd size, channel counts not multiples of 6 or 16 (edge tiles in both directions)
  ['3×3 same, stride 1, odd sizes', { batch: 2, inH: 7, inW: 5, inC: 5, padTop: 1, padLeft: 1, kH: 3, kW: 3, dH: 1, dW: 1, sH: 1, sW: 1, outH: 7, outW: 5, outC: 19 }],
  // stride 2 'same' on an even size (tfjs pads 0 above, 1 below), 32 channels: the U-Net's down-sampling layer
  ['3×3 stride 2, 32 channels', { batch: 3, inH: 8, inW: 8, inC: 32, padTop: 0, padLeft: 0, kH: 3, kW: 3, dH: 1, dW: 1, sH: 2, sW: 2, outH: 4, outW: 4, outC: 32 }],
  // 'valid', batch 1, dilation 2, one output channel (the output layer's shape of problem)
  ['valid, dilation 2, batch 1, 1 output channel', { batch: 1, inH: 9, inW: 10, inC: 7, padTop: 0, padLeft: 0, kH: 2, kW: 3, dH: 2, dW: 2, sH: 1, sW: 1, outH: 7, outW: 6, outC: 1 }],
  // negative padding: the output starts inside the input (a cropped phase); and more padding than the filter needs
  ['negative and large padding', { batch: 2, inH: 6, inW: 6, inC: 12, padTop: -1, padLeft: 2, kH: 2, kW: 2, dH: 1, dW: 1, sH: 1, sW: 1, outH: 4, outW: 8, outC: 16 }],
  // one input channel (the input layer)
  ['one input channel', { batch: 2, inH: 6, inW: 5, inC: 1, padTop: 1, padLeft: 1, kH: 3, kW: 3, dH: 1, dW: 1, sH: 1, sW: 1, outH: 6, outW: 5, outC: 32 }],
];

function layout(g: Case) {
  const T = g.kH * g.kW;
  const panels = Math.ceil(g.outC / 16);
  const x = 4;
  const w = x + g.batch * g.inH * g.inW * g.inC;
  const dy = w + panels * T * g.inC * 16;
  const out = dy + g.batch * g.outH * g.outW * g.outC;
  const outFloats = Math.max(g.batch * g.outH * g.outW * g.outC, T * g.inC * g.outC);
  const f = new Float32Array(out + outFloats + 16);
  const rand = filler(7);
  for (let i = 0; i < out; i++) f[i] = rand();
  for (let q = 0; q < panels; q++)
    for (let t = 0; t < T; t++)
      for (let ci = 0; ci < g.inC; ci++)
        for (let l = 0; l < 16; l++) if (q * 16 + l >= g.outC) f[w + ((q * T + t) * g.inC + ci) * 16 + l] = 0;
  f.fill(777, out);
  return { f, x, w, dy, out };
}

/** x at (n, h, v, c), zero outside the input (the padding). */
function input(g: Case, f: Float32Array, x: number, n: number, h: number, v: number, c: number): number {
  return h < 0 || h >= g.inH || v < 0 || v >= g.inW ? 0 : f[x + ((n * g.inH + h) * g.inW + v) * g.inC + c];
}

suite('@scorekit/native convolution with implicit padding', () => {
  for (const [label, g] of cases) {
    it(`conv2d, ${label}: float64 sums, same bits on 1 and 2 threads`, () => {
      const T = g.kH * g.kW;
      const results: Float32Array[] = [];
      for (const threads of [1, 2]) {
        const { f, x, w, out } = layout(g);
        native.conv2d(f.buffer, x * 4, g.batch, g.inH, g.inW, g.inC, g.padTop, g.padLeft, w * 4, 0, g.kH, g.kW, g.dH, g.dW,
          g.sH, g.sW, g.outH, g.outW, g.outC, out * 4, g.outC, g.outW * g.outC, g.outH * g.outW * g.outC, threads);
        let worst = 0;
        for (let n = 0; n < g.batch; n++)
          for (let i = 0; i < g.outH; i++)
            for (let j = 0; j < g.outW; j++)
              for (let co = 0; co < g.outC; co++) {
                let exact = 0;
                let scale = 0;
                for (let kh = 0; kh < g.kH; kh++)
                  for (let kw = 0; kw < g.kW; kw++)
                    for (let ci = 0; ci < g.inC; ci++) {
                      const term = input(g, f, x, n, i * g.sH + kh * g.dH - g.padTop, j * g.sW + kw * g.dW - g.padLeft, ci) *
                        f[w + ((Math.floor(co / 16) * T + kh * g.kW + kw) * g.inC + ci) * 16 + (co % 16)];
                      exact += term;
                      scale += Math.abs(term);
                    }
                const got = f[out + ((n * g.outH + i) * g.outW + j) * g.outC + co];
                // a float32 sum of T·inC terms: error ≤ T·inC·2⁻²⁴·Σ|terms|
                worst = Math.max(worst, Math.abs(got - exact) / (T * g.inC * 2 ** -24 * scale + 1e-30));
              }
        expect(worst).toBeLessThan(1);
        expect(f[out + g.batch * g.outH * g.outW * g.outC]).toBe(777); // nothing past the output
        results.push(f.slice(out));
      }
      expect(results[1]).toEqual(results[0]);
    });

    it(`conv2dFilterGrad, ${label}: float64 sums, same bits on 1 and 2 threads`, () => {
      const results: Float32Array[] = [];
      const pixels = g.batch * g.outH * g.outW;
      for (const threads of [1, 2]) {
        const { f, x, dy, out } = layout(g);
        native.conv2dFilterGrad(f.buffer, x * 4, g.batch, g.inH, g.inW, g.inC, g.padTop, g.padLeft, dy * 4, g.kH, g.kW,
          g.dH, g.dW, g.sH, g.sW, g.outH, g.outW, g.outC, out * 4, threads);
        let worst = 0;
        for (let kh = 0; kh < g.kH; kh++)
          for (let kw = 0; kw < g.kW; kw++)
            for (let ci = 0; ci < g.inC; ci++)
              for (let co = 0; co < g.outC; co++) {
                let exact = 0;
                let scale = 0;
                for (let n = 0; n < g.batch; n++)
                  for (let i = 0; i < g.outH; i++)
                    for (let j = 0; j < g.outW; j++) {
                      const term = input(g, f, x, n, i * g.sH + kh * g.dH - g.padTop, j * g.sW + kw * g.dW - g.padLeft, ci) *
                        f[dy + ((n * g.outH + i) * g.outW + j) * g.outC + co];
                      exact += term;
                      scale += Math.abs(term);
                    }
                const got = f[out + ((kh * g.kW + kw) * g.inC + ci) * g.outC + co];
                // a float32 sum over the pixels: error ≤ pixels·2⁻²⁴·Σ|terms|
                worst = Math.max(worst, Math.abs(got - exact) / (pixels * 2 ** -24 * scale + 1e-30));
              }
        expect(worst).toBeLessThan(1);
        expect(f[out + g.kH * g.kW * g.inC * g.outC]).toBe(777); // nothing written past dw
        results.push(f.slice(out));
      }
      expect(results[1]).toEqual(results[0]);
    });
  }

  it('gives the same bits as the padded-copy entry points on an explicitly padded input', () => {
    const g = cases[0][1];
    const { f, x, w, dy, out } = layout(g);
    const Hp = g.inH + 2;
    const Wp = g.inW + 2;
    // the padded copy after everything else in the heap
    const padded = out + 4096;
    const heap = new Float32Array(padded + g.batch * Hp * Wp * g.inC + 8 + 4096);
    heap.set(f.subarray(0, out));
    for (let n = 0; n < g.batch; n++)
      for (let h = 0; h < g.inH; h++)
        for (let v = 0; v < g.inW; v++)
          for (let c = 0; c < g.inC; c++) heap[padded + ((n * Hp + h + 1) * Wp + v + 1) * g.inC + c] = f[x + ((n * g.inH + h) * g.inW + v) * g.inC + c];
    const o1 = padded + g.batch * Hp * Wp * g.inC + 8;
    const o2 = o1 + 2048;
    const strides = [g.outC, g.outW * g.outC, g.outH * g.outW * g.outC] as const;
    native.conv2d(heap.buffer, x * 4, g.batch, g.inH, g.inW, g.inC, 1, 1, w * 4, 0, 3, 3, 1, 1, 1, 1, g.outH, g.outW, g.outC, o1 * 4, ...strides, 2);
    native.conv(heap.buffer, padded * 4, g.batch, Hp, Wp, g.inC, w * 4, 3, 3, 1, 1, 1, 1, g.outH, g.outW, g.outC, o2 * 4, ...strides, 2);
    const n = g.batch * g.outH * g.outW * g.outC;
    expect(heap.slice(o1, o1 + n)).toEqual(heap.slice(o2, o2 + n));
    native.conv2dFilterGrad(heap.buffer, x * 4, g.batch, g.inH, g.inW, g.inC, 1, 1, dy * 4, 3, 3, 1, 1, 1, 1, g.outH, g.outW, g.outC, o1 * 4, 1);
    native.convFilterGrad(heap.buffer, padded * 4, g.batch, Hp, Wp, g.inC, dy * 4, 3, 3, 1, 1, 1, 1, g.outH, g.outW, g.outC, o2 * 4, 2);
    const m = 9 * g.inC * g.outC;
    expect(heap.slice(o1, o1 + m)).toEqual(heap.slice(o2, o2 + m));
  });

  it('adds the bias to each finished sum: the same bits as adding it to the output afterwards', () => {
    const g = cases[0][1];
    const { f, x, w, dy, out } = layout(g);
    const bias = dy; // dy's floats are not used here
    const rand = filler(3);
    for (let c = 0; c < g.outC; c++) f[bias + c] = rand();
    const n = g.batch * g.outH * g.outW * g.outC;
    const strides = [g.outC, g.outW * g.outC, g.outH * g.outW * g.outC] as const;
    native.conv2d(f.buffer, x * 4, g.batch, g.inH, g.inW, g.inC, 1, 1, w * 4, 0, 3, 3, 1, 1, 1, 1, g.outH, g.outW, g.outC, out * 4, ...strides, 2);
    const plus = new Float32Array(n);
    for (let i = 0; i < n; i++) plus[i] = f[out + i] + f[bias + (i % g.outC)];
    native.conv2d(f.buffer, x * 4, g.batch, g.inH, g.inW, g.inC, 1, 1, w * 4, bias * 4, 3, 3, 1, 1, 1, 1, g.outH, g.outW, g.outC, out * 4, ...strides, 2);
    expect(f.slice(out, out + n)).toEqual(plus);
  });

  it('rejects a fractional padding, an input past the heap, and a wrong argument count', () => {
    const g = cases[0][1];
    const { f, x, w, out } = layout(g);
    const call = (padTop: number, batch: number) =>
      native.conv2d(f.buffer, x * 4, batch, g.inH, g.inW, g.inC, padTop, 1, w * 4, 0, 3, 3, 1, 1, 1, 1, g.outH, g.outW, g.outC,
        out * 4, g.outC, g.outW * g.outC, g.outH * g.outW * g.outC, 1);
    expect(() => call(0.5, g.batch)).toThrow(/padTop must be an integer/);
    expect(() => call(1, 1000)).toThrow(/past the end of the heap/);
    expect(() => (native.conv2dFilterGrad as unknown as (...a: unknown[]) => void)(f.buffer, 0)).toThrow(/takes 20 arguments/);
    expect(() => (native.conv2d as unknown as (...a: unknown[]) => void)(f.buffer, 0)).toThrow(/takes 24 arguments/);
  });
});
