// groupNorm (fused GroupNorm + SiLU kernels on wasm, the composition elsewhere) against a float64 reference written
// out here, its gradients against central differences of that reference and against tfjs's autodiff of the
// composition, its second derivatives against the composition's, on every backend; on wasm with the native kernels
// and with the JS code behind them, and the same bits on one and two threads.
import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, groupNorm, nativeKernelsStatus, setNativeKernels, setWasmThreads } from '../src/index.js';
import { resetNativeKernels } from '../src/native/nativeKernels.js';
import { groupNormReference } from '../src/nn/groupNorm.js';
import { GROUP_NORM } from '../src/wasm/kernels/GroupNorm.js';

/** GroupNorm (+ SiLU) in float64 on NHWC data. */
function reference64(x: ArrayLike<number>, shape: number[], gamma: ArrayLike<number>, beta: ArrayLike<number>, groups: number, eps: number, silu: boolean): Float64Array {
  const [n, h, w, c] = shape;
  const cg = c / groups;
  const y = new Float64Array(x.length);
  for (let s = 0; s < n; s++) {
    for (let g = 0; g < groups; g++) {
      const idx: number[] = [];
      for (let p = 0; p < h * w; p++) for (let k = g * cg; k < (g + 1) * cg; k++) idx.push((s * h * w + p) * c + k);
      const mean = idx.reduce((a, i) => a + x[i], 0) / idx.length;
      const variance = idx.reduce((a, i) => a + (x[i] - mean) ** 2, 0) / idx.length;
      for (const i of idx) {
        const z = ((x[i] - mean) / Math.sqrt(variance + eps)) * gamma[i % c] + beta[i % c];
        y[i] = silu ? z / (1 + Math.exp(-z)) : z;
      }
    }
  }
  return y;
}

const CASES = [
  { shape: [2, 5, 7, 12], groups: 3 }, // 4 channels per group, odd sizes
  { shape: [3, 4, 4, 8], groups: 8 }, // one channel per group (InstanceNorm)
  { shape: [2, 6, 6, 16], groups: 1 }, // one group (LayerNorm over the image)
];

function inputs(shape: number[], seed: number) {
  const rng = new Rng(seed);
  const c = shape[3];
  // an offset and scale per sample so the statistics matter
  const x = tf.tidy(() => tf.add(tf.mul(rng.normal(shape), 2.5), 0.7));
  const gamma = tf.tidy(() => tf.add(rng.normal([c], 0, 0.5), 1));
  const beta = rng.normal([c], 0, 0.5);
  return { x, gamma, beta };
}

function suite(label: string) {
  for (const silu of [false, true]) {
    for (const { shape, groups } of CASES) {
      it(`${label}: values of ${silu ? 'GroupNorm + SiLU' : 'GroupNorm'} on [${shape}] in ${groups} groups match float64`, () => {
        const { x, gamma, beta } = inputs(shape, 1);
        const y = groupNorm(x, gamma, beta, groups, { silu });
        const want = reference64(x.dataSync(), shape, gamma.dataSync(), beta.dataSync(), groups, 1e-6, silu);
        // float32: |z| ≲ 6 here; ~10 roundings of 6e-8 relative each, and the statistics' own rounding ≲ 1e-6
        expectAllClose(y, Array.from(want), 2e-5, 2e-5);
        tf.dispose([x, gamma, beta, y]);
      });
    }

    it(`${label}: gradients (${silu ? 'with SiLU' : 'plain'}) match the composition's autodiff and central differences in float64`, () => {
      const { shape, groups } = CASES[0];
      const { x, gamma, beta } = inputs(shape, 2);
      const wts = new Rng(3).normal(shape);
      const loss = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(groupNorm(xx, gg, bb, groups, { silu }), wts));
      const lossRef = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(groupNormReference(xx, gg, bb, groups, 1e-6, silu), wts));
      const got = tf.grads(loss)([x, gamma, beta]);
      const want = tf.grads(lossRef)([x, gamma, beta]);
      // both float32: sums of ~100 terms of size ≲ 5 each rounded at 6e-8, plus the statistics' rounding
      got.forEach((g, i) => expectAllClose(g, want[i], 5e-5, 1e-4));
      // a directional derivative against a central difference of the float64 reference (h = 1e-4: truncation
      // h²·f''' ~ 1e-8, far below the float32 gradient's own error ~1e-5 of a sum of size ~10)
      const xs = [x, gamma, beta].map((t) => Float64Array.from(t.dataSync()));
      const dirs = [shape, [shape[3]], [shape[3]]].map((s, i) => Float64Array.from(new Rng(10 + i).normal(s).dataSync()));
      const w = wts.dataSync();
      const f = (t: number) => {
        const [a, b, c] = xs.map((v, i) => v.map((e, j) => e + t * dirs[i][j]));
        return reference64(a, shape, b, c, groups, 1e-6, silu).reduce((s, v, j) => s + v * w[j], 0);
      };
      const h = 1e-4;
      const fd = (f(h) - f(-h)) / (2 * h);
      const analytic = got.reduce((s, g, i) => s + Array.from(g.dataSync()).reduce((a, v, j) => a + v * dirs[i][j], 0), 0);
      expect(Math.abs(analytic - fd), `directional derivative ${analytic} vs ${fd}`).toBeLessThan(1e-3 * (1 + Math.abs(fd)));
      tf.dispose([x, gamma, beta, wts, ...got, ...want]);
    });

    it(`${label}: second derivatives (${silu ? 'with SiLU' : 'plain'}) match the composition's`, () => {
      const shape = [2, 3, 4, 8];
      const groups = 2;
      const { x, gamma, beta } = inputs(shape, 4);
      const wts = new Rng(5).normal(shape);
      // ‖∇ₓ Σ w·GN(x)‖² differentiated by x, γ and β: the gradient of the gradient (what energy models train on)
      const outer = (norm: (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor) => (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(norm(v, gg, bb), wts)))(xx);
        return tf.sum(tf.square(gx));
      };
      // (without SiLU, ∇ₓ does not depend on β: tfjs refuses a gradient with respect to it)
      const args = silu ? [x, gamma, beta] : [x, gamma];
      const wrap = (f: ReturnType<typeof outer>) => (...a: tf.Tensor[]) => f(a[0], a[1], a[2] ?? beta);
      const got = tf.grads(wrap(outer((a, b, c) => groupNorm(a, b, c, groups, { silu }))))(args);
      const want = tf.grads(wrap(outer((a, b, c) => groupNormReference(a, b, c, groups, 1e-6, silu))))(args);
      // float32 second derivatives through normalisation divide by the std again: values up to ~50 here
      got.forEach((g, i) => expectAllClose(g, want[i], 2e-4, 1e-3));
      tf.dispose([x, gamma, beta, wts, ...got, ...want]);
    });
  }

  it(`${label}: no tensors leak from a forward and backward pass`, async () => {
    const { x, gamma, beta } = inputs([2, 4, 4, 8], 6);
    await expectNoTensorLeak(() => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(groupNorm(a, b, c, 4, { silu: true })))([x, gamma, beta]);
      tf.dispose(g);
    });
    tf.dispose([x, gamma, beta]);
  });
}

describeOnBackends('groupNorm', (backend) => {
  suite(backend);

  it('refuses bad input with one clear error', () => {
    const x = tf.zeros([2, 4, 4, 6]);
    const g = tf.ones([6]);
    expect(() => groupNorm(x, g, g, 4)).toThrow(/groups must be a positive integer dividing the 6 channels, got 4/);
    expect(() => groupNorm(x, tf.ones([5]), g, 3)).toThrow(/gamma must have shape \[6\]/);
    expect(() => groupNorm(tf.zeros([4, 6]), g, g, 3)).toThrow(/x must be NHWC/);
    tf.dispose([x, g]);
  });
});

// The wasm kernels' two code paths, and thread counts: the fused path must really run, and results must not depend
// on the thread count (training is bit-identical on one and two threads).
for (const path of ['JS', 'native'] as const) {
  const run = path === 'JS' || nativeKernelsStatus().active ? describe : describe.skip;
  run(`groupNorm kernels on wasm (${path} code)`, () => {
    afterAll(() => {
      resetNativeKernels();
      setWasmThreads(1);
    });
    it('setup', async () => {
      await tf.setBackend('wasm');
      setNativeKernels(path === 'native');
      expect(tf.getKernel(GROUP_NORM, 'wasm')).toBeDefined();
    });
    suite(`wasm ${path}`);

    it(`wasm ${path}: the same bits on one and two threads`, () => {
      const shape = [8, 14, 14, 64];
      const { x, gamma, beta } = inputs(shape, 7);
      const wts = new Rng(8).normal(shape);
      const once = (threads: number) => {
        setWasmThreads(threads);
        return tf.tidy(() => {
          const [gx, gg, gb] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
            tf.sum(tf.mul(groupNorm(a, b, c, 16, { silu: true }), wts)),
          )([x, gamma, beta]);
          return [groupNorm(x, gamma, beta, 16, { silu: true }), gx, gg, gb].map((t) => Array.from(t.dataSync()));
        });
      };
      expect(once(2)).toEqual(once(1));
      tf.dispose([x, gamma, beta, wts]);
    });
  });
}
