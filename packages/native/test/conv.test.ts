import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Native from '../index.cjs';
import { filler } from './filler.js';

const native = createRequire(import.meta.url)('../index.cjs') as typeof Native;
const suite = native.available || process.env.CI === 'true' ? describe : describe.skip;


// batch 2, 3×2 taps dilated by (2, 1), stride (2, 1), 5 input channels (not a multiple of 6), 19 output channels
// (two panels, the second partial), 7 output columns (a 6-pixel tile and an edge of 1)
const g = { batch: 2, kH: 3, kW: 2, dH: 2, dW: 1, sH: 2, sW: 1, inC: 5, outH: 4, outW: 7, outC: 19 };
const Hp = (g.outH - 1) * g.sH + (g.kH - 1) * g.dH + 1;
const Wp = (g.outW - 1) * g.sW + (g.kW - 1) * g.dW + 1;
const T = g.kH * g.kW;
const panels = Math.ceil(g.outC / 16);

function layout() {
  const x = 4; // float offsets; a few floats of guard before x
  const w = x + g.batch * Hp * Wp * g.inC + 8;
  const dy = w + panels * T * g.inC * 16;
  const out = dy + g.batch * g.outH * g.outW * g.outC;
  // output written with a pixel stride of outC + 3 (as for one phase of a strided input gradient)
  const ps = g.outC + 3;
  const outFloats = g.batch * g.outH * g.outW * ps;
  const heap = new ArrayBuffer((out + outFloats + 16) * 4);
  const f = new Float32Array(heap);
  const rand = filler(11);
  for (let i = 0; i < out; i++) f[i] = rand();
  // the packed filter is zero past outC, as its contract asks
  for (let q = 0; q < panels; q++)
    for (let t = 0; t < T; t++)
      for (let ci = 0; ci < g.inC; ci++)
        for (let l = 0; l < 16; l++) if (q * 16 + l >= g.outC) f[w + ((q * T + t) * g.inC + ci) * 16 + l] = 0;
  f.fill(777, out);
  return { heap, f, x, w, dy, out, ps };
}

const X = (f: Float32Array, x: number, n: number, h: number, wv: number, c: number) => f[x + ((n * Hp + h) * Wp + wv) * g.inC + c];

suite('@scorekit/native convolution', () => {
  it('conv matches a float64 direct convolution, writes only its strided outputs, and is thread-independent', () => {
    const results: Float32Array[] = [];
    for (const threads of [1, 2]) {
      const { heap, f, x, w, out, ps } = layout();
      native.conv(heap, x * 4, g.batch, Hp, Wp, g.inC, w * 4, g.kH, g.kW, g.dH, g.dW, g.sH, g.sW, g.outH, g.outW, g.outC,
        out * 4, ps, g.outW * ps, g.outH * g.outW * ps, threads);
      let worst = 0;
      for (let n = 0; n < g.batch; n++)
        for (let i = 0; i < g.outH; i++)
          for (let j = 0; j < g.outW; j++) {
            const o = out + ((n * g.outH + i) * g.outW + j) * ps;
            for (let co = 0; co < g.outC; co++) {
              let exact = 0;
              let scale = 0;
              for (let kh = 0; kh < g.kH; kh++)
                for (let kw = 0; kw < g.kW; kw++)
                  for (let ci = 0; ci < g.inC; ci++) {
                    const term = X(f, x, n, i * g.sH + kh * g.dH, j * g.sW + kw * g.dW, ci) *
                      f[w + ((Math.floor(co / 16) * T + kh * g.kW + kw) * g.inC + ci) * 16 + (co % 16)];
                    exact += term;
                    scale += Math.abs(term);
                  }
              // 30-term float32 sum: error ≤ 30·2⁻²⁴·Σ|terms|
              worst = Math.max(worst, Math.abs(f[o + co] - exact) / (30 * 2 ** -24 * scale + 1e-30));
            }
            for (let c = g.outC; c < ps; c++) expect(f[o + c]).toBe(777); // the gap between pixels is untouched
          }
      expect(worst).toBeLessThan(1);
      results.push(f.slice(out));
    }
    expect(results[1]).toEqual(results[0]);
  });

  it('convFilterGrad matches the float64 sum over pixels, whatever the thread count', () => {
    const results: Float32Array[] = [];
    for (const threads of [1, 2]) {
      const { heap, f, x, dy, out } = layout();
      native.convFilterGrad(heap, x * 4, g.batch, Hp, Wp, g.inC, dy * 4, g.kH, g.kW, g.dH, g.dW, g.sH, g.sW, g.outH,
        g.outW, g.outC, out * 4, threads);
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
                    const term = X(f, x, n, i * g.sH + kh * g.dH, j * g.sW + kw * g.dW, ci) *
                      f[dy + ((n * g.outH + i) * g.outW + j) * g.outC + co];
                    exact += term;
                    scale += Math.abs(term);
                  }
              const got = f[out + ((kh * g.kW + kw) * g.inC + ci) * g.outC + co];
              worst = Math.max(worst, Math.abs(got - exact) / (56 * 2 ** -24 * scale + 1e-30));
            }
      expect(worst).toBeLessThan(1);
      expect(f[out + T * g.inC * g.outC]).toBe(777); // nothing written past dw
      results.push(f.slice(out, out + T * g.inC * g.outC));
    }
    expect(results[1]).toEqual(results[0]);
  });

  it('rejects geometry that reads past the padded input, and ranges past the heap', () => {
    const { heap, x, w, out, dy } = layout();
    // one more output row than the padded input holds
    expect(() =>
      native.conv(heap, x * 4, g.batch, Hp, Wp, g.inC, w * 4, g.kH, g.kW, g.dH, g.dW, g.sH, g.sW, g.outH + 1, g.outW,
        g.outC, out * 4, g.outC, g.outW * g.outC, g.outH * g.outW * g.outC, 1),
    ).toThrow(/reach past the padded input/);
    expect(() =>
      native.conv(heap, x * 4, 1000, Hp, Wp, g.inC, w * 4, g.kH, g.kW, g.dH, g.dW, g.sH, g.sW, g.outH, g.outW, g.outC,
        out * 4, g.outC, g.outW * g.outC, g.outH * g.outW * g.outC, 1),
    ).toThrow(/past the end of the heap/);
    expect(() =>
      native.convFilterGrad(heap, x * 4, g.batch, Hp, Wp, g.inC, dy * 4, g.kH, g.kW, g.dH, g.dW, 0, g.sW, g.outH,
        g.outW, g.outC, out * 4, 1),
    ).toThrow(/strides and dilations must be at least 1/);
    expect(() => (native.conv as unknown as (...a: unknown[]) => void)(heap, 0)).toThrow(/takes 21 arguments/);
  });
});
