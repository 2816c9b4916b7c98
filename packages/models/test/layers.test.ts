import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { fourierEmbedding, sinusoidalEmbedding } from '../src/index.js';
import { attentionBlock } from '../src/internal/blocks.js';
import { conv2d, dropout, groupNorm, softmax, upsampleNearest2x } from '../src/internal/layers.js';
import { ParamBuilder, groupCount } from '../src/internal/ParamBuilder.js';

// Each layer against a direct float64 loop implementation of its definition. float32 tensors of O(1) values:
// 1e-5 absolute / 1e-4 relative leaves ~100 ulps for summation-order differences.
const ATOL = 1e-5;
const RTOL = 1e-4;

function randomParams(b: ParamBuilder, seed: number): void {
  const rng = new Rng(seed);
  for (const v of b.variables) v.variable.assign(tf.tensor(rng.normalArray(v.variable.size, 0, 0.5), v.variable.shape));
}

describeOnBackends('layers against their definitions', () => {
  it('sinusoidal embedding: [sin(c·ωᵢ), cos(c·ωᵢ)], ωᵢ = 10000^(−i/(half−1)) (odd dims zero-padded)', () => {
    const c = [0, 0.5, 3, 999];
    for (const dim of [8, 9]) {
      const half = Math.floor(dim / 2);
      const expected = c.flatMap((ci) => {
        const row = [];
        for (let i = 0; i < half; i++) row.push(Math.sin(ci * Math.exp((-Math.log(10000) * i) / (half - 1))));
        for (let i = 0; i < half; i++) row.push(Math.cos(ci * Math.exp((-Math.log(10000) * i) / (half - 1))));
        if (dim % 2) row.push(0);
        return row;
      });
      const got = sinusoidalEmbedding(tf.tensor1d(c), dim);
      expect(got.shape).toEqual([4, dim]);
      // sin of arguments up to 999 in float32: argument rounding ~999·6e-8 = 6e-5.
      expectAllClose(got, expected, 2e-4);
      got.dispose();
    }
  });

  it('Fourier embedding: [sin(2π c wᵢ), cos(2π c wᵢ)]', () => {
    const c = [-2, 0.1, 1.3];
    const w = [0.5, -3, 7];
    const expected = c.flatMap((ci) => [...w.map((wi) => Math.sin(2 * Math.PI * ci * wi)), ...w.map((wi) => Math.cos(2 * Math.PI * ci * wi))]);
    const got = fourierEmbedding(tf.tensor1d(c), tf.tensor1d(w));
    expectAllClose(got, expected, 1e-4);
    got.dispose();
  });

  it('GroupNorm normalises each group of channels over pixels, then scales and shifts per channel', () => {
    const [n, h, w, C] = [2, 3, 4, 8];
    const b = new ParamBuilder('test', new Rng(0));
    const p = b.groupNorm('gn', C);
    expect(p.groups).toBe(2); // min(8/4, 32)
    randomParams(b, 1);
    const xs = new Rng(2).normalArray(n * h * w * C, 1, 2);
    const gamma = p.gamma.dataSync();
    const beta = p.beta.dataSync();
    const G = p.groups;
    const cg = C / G;
    const expected = new Float64Array(xs.length);
    for (let s = 0; s < n; s++) {
      for (let g = 0; g < G; g++) {
        const idx: number[] = [];
        for (let i = 0; i < h * w; i++) for (let k = 0; k < cg; k++) idx.push(s * h * w * C + i * C + g * cg + k);
        const mean = idx.reduce((a, j) => a + xs[j], 0) / idx.length;
        const variance = idx.reduce((a, j) => a + (xs[j] - mean) ** 2, 0) / idx.length;
        for (const j of idx) expected[j] = ((xs[j] - mean) / Math.sqrt(variance + 1e-6)) * gamma[j % C] + beta[j % C];
      }
    }
    const got = groupNorm(p, tf.tensor(xs, [n, h, w, C]));
    expectAllClose(got, expected, ATOL, RTOL);
    got.dispose();
    b.variables.forEach((v) => v.variable.dispose());
    expect([groupCount(8), groupCount(64), groupCount(256), groupCount(6), groupCount(3)]).toEqual([2, 16, 32, 1, 1]);
  });

  it('stride-2 3×3 conv pads (0, 1) as score_sde Downsample; stride 1 pads (1, 1)', () => {
    const [n, H, W, ci, co] = [1, 6, 6, 2, 3];
    const b = new ParamBuilder('test', new Rng(0));
    const p = b.conv('c', 3, ci, co);
    randomParams(b, 3);
    const xs = new Rng(4).normalArray(n * H * W * ci);
    const k = p.kernel.dataSync();
    const bias = p.bias.dataSync();
    const at = (y: number, x: number, c: number) => (y < 0 || x < 0 || y >= H || x >= W ? 0 : xs[(y * W + x) * ci + c]);
    const naive = (stride: number, padTop: number) => {
      const oh = Math.ceil(H / stride);
      const out: number[] = [];
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < oh; x++)
          for (let o = 0; o < co; o++) {
            let acc = bias[o];
            for (let dy = 0; dy < 3; dy++)
              for (let dx = 0; dx < 3; dx++)
                for (let c = 0; c < ci; c++) acc += at(y * stride + dy - padTop, x * stride + dx - padTop, c) * k[((dy * 3 + dx) * ci + c) * co + o];
            out.push(acc);
          }
      return out;
    };
    const x = tf.tensor(xs, [n, H, W, ci]);
    const s2 = conv2d(p, x, 2);
    const s1 = conv2d(p, x, 1);
    expect(s2.shape).toEqual([1, 3, 3, co]);
    expectAllClose(s2, naive(2, 0), ATOL, RTOL);
    expectAllClose(s1, naive(1, 1), ATOL, RTOL);
    tf.dispose([x, s1, s2]);
    b.variables.forEach((v) => v.variable.dispose());
  });

  it('nearest-neighbour upsampling repeats each pixel in a 2×2 block', () => {
    const xs = new Rng(5).normalArray(2 * 3 * 2 * 2);
    const got = upsampleNearest2x(tf.tensor(xs, [2, 3, 2, 2]));
    const expected: number[] = [];
    for (let s = 0; s < 2; s++)
      for (let y = 0; y < 6; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 2; c++) expected.push(xs[((s * 3 + (y >> 1)) * 2 + (x >> 1)) * 2 + c]);
    expectAllClose(got, expected, 0);
    got.dispose();
  });

  it('self-attention block equals x + W_o·softmax(qkᵀ/√C)·v over pixels, times the skip rescale', () => {
    const [H, W, C] = [2, 3, 4];
    const b = new ParamBuilder('test', new Rng(0));
    const p = {
      gn: b.groupNorm('gn', C),
      q: b.dense('q', C, C),
      k: b.dense('k', C, C),
      v: b.dense('v', C, C),
      out: b.dense('out', C, C),
    };
    randomParams(b, 6);
    const xs = new Rng(7).normalArray(H * W * C);
    const x = tf.tensor(xs, [1, H, W, C]);
    const hn = groupNorm(p.gn, x).arraySync() as number[][][][];
    const pix = hn[0].flat();
    const lin = (par: typeof p.q, row: number[]) => {
      const k = par.kernel.arraySync() as number[][];
      const bias = par.bias.dataSync();
      return Array.from({ length: C }, (_, o) => row.reduce((a, r, i) => a + r * k[i][o], bias[o]));
    };
    const q = pix.map((r) => lin(p.q, r));
    const k = pix.map((r) => lin(p.k, r));
    const v = pix.map((r) => lin(p.v, r));
    const expected: number[] = [];
    pix.forEach((_, i) => {
      const logits = k.map((kj) => kj.reduce((a, kjc, c) => a + kjc * q[i][c], 0) / Math.sqrt(C));
      const m = Math.max(...logits);
      const e = logits.map((l) => Math.exp(l - m));
      const z = e.reduce((a, b2) => a + b2, 0);
      const att = Array.from({ length: C }, (_, c) => v.reduce((a, vj, j) => a + (e[j] / z) * vj[c], 0));
      const o = lin(p.out, att);
      for (let c = 0; c < C; c++) expected.push((xs[i * C + c] + o[c]) / Math.SQRT2);
    });
    const got = attentionBlock(p, x, 1 / Math.SQRT2);
    expectAllClose(got, expected, ATOL, RTOL);
    tf.dispose([x, got]);
    b.variables.forEach((vv) => vv.variable.dispose());
  });

  it('softmax: values, and second derivatives that match finite differences of the first', () => {
    const xs = [0.3, -1.2, 2.0, 0.7];
    const w = tf.tensor1d([0.5, -1, 2, 0.25]);
    const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.square(softmax(x)), w));
    const e = xs.map((v) => Math.exp(v));
    const z = e.reduce((a, b2) => a + b2, 0);
    const sm = softmax(tf.tensor1d(xs));
    expectAllClose(sm, e.map((v) => v / z), 1e-6, 1e-5);
    // Hessian-vector product H·u two ways: d/dh ∇f(x + h u) by central differences (float64 is unavailable,
    // so h = 1e-2: truncation O(h²)·|f'''| ≈ 1e-4, rounding 1e-7/h = 1e-5), and tf.grad of ∇f·u.
    const u = tf.tensor1d([1, -0.5, 0.25, 2]);
    const x = tf.tensor1d(xs);
    const g = tf.grad(f);
    const h = 1e-2;
    const fd = tf.div(tf.sub(g(tf.add(x, tf.mul(u, h))), g(tf.sub(x, tf.mul(u, h)))), 2 * h);
    const hvp = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(g(xx), u)))(x);
    expectAllClose(hvp, fd, 1e-3, 1e-2);
    // tfjs's own softmax gets the second derivative wrong (its gradient reuses its output); ours must not.
    const naive = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.square(tf.softmax(y)), w)))(xx), u)))(x);
    const naiveError = tf.max(tf.abs(tf.sub(naive, fd))).dataSync()[0];
    expect(naiveError, 'tf.softmax second derivative (documents the tfjs behaviour we avoid)').toBeGreaterThan(1e-2);
    tf.dispose([w, sm, u, x, fd, hvp, naive]);
  });

  it('dropout zeroes a `rate` fraction and rescales the rest by 1/(1 − rate)', () => {
    const n = 20000;
    const rate = 0.3;
    const x = tf.ones([n]);
    const y = dropout(x, rate, new Rng(8)).dataSync();
    let zeros = 0;
    for (const v of y) {
      if (v === 0) zeros++;
      else expect(Math.abs(v - 1 / (1 - rate))).toBeLessThan(1e-6);
    }
    // Binomial(n, 0.3): sd = √(n·0.21) ≈ 65; 5 sd.
    expect(Math.abs(zeros - rate * n)).toBeLessThan(5 * Math.sqrt(n * rate * (1 - rate)));
    x.dispose();
  });
});
