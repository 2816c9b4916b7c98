// Matrix products through @scorekit/native (AVX2 + FMA on the wasm heap, in place): the same values as the
// WebAssembly kernels to float32 rounding, the same bits on one and two threads, and clear switches and errors.
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng, nativeKernelsStatus, selectBackend, setNativeKernels, setWasmThreads } from '../src/index.js';
import { resetNativeKernels } from '../src/native/nativeKernels.js';
import { resetWasmThreads } from '../src/parallel/wasmThreads.js';

const rng = new Rng(5);
const active = nativeKernelsStatus().active;
// the module object core loaded (same resolution, same cache entry): spying on it counts core's calls
const required = (active ? createRequire(import.meta.url)('@scorekit/native') : {}) as { default?: unknown };
const nativePackage = (required.default ?? required) as {
  gemm: () => void;
  conv: () => void;
  convFilterGrad: () => void;
  conv2d: () => void;
  conv2dFilterGrad: () => void;
};

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});
afterEach(() => {
  resetNativeKernels();
  resetWasmThreads();
  delete process.env.SCOREKIT_NATIVE;
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The MLP's largest products (batch 300 × 256 features), forward and both gradients' transposes, plus a bias. */
function products(): Float32Array[] {
  return tf.tidy(() => {
    const r = new Rng(11);
    const x = tf.tensor2d(r.normalArray(300 * 256), [300, 256]);
    const w = tf.tensor2d(r.normalArray(256 * 200), [256, 200]);
    const bias = tf.tensor1d(r.normalArray(200));
    const dy = tf.tensor2d(r.normalArray(300 * 200), [300, 200]);
    return [
      tf.fused.matMul({ a: x, b: w, bias }),
      tf.matMul(x, dy, true, false), // dW: K = 300 over two 256-blocks
      tf.matMul(dy, w, false, true), // dx
    ].map((t) => t.dataSync() as Float32Array);
  });
}

describe.skipIf(!active && process.env.CI !== 'true')('native products on the wasm backend', () => {
  it('are in use where this repository is built (CI)', () => {
    expect(nativeKernelsStatus()).toEqual({ active: true, reason: '' });
  });

  it('agree with the WebAssembly kernels to float32 rounding of sums of ~300 terms', () => {
    setNativeKernels(true);
    const calls = vi.spyOn(nativePackage, 'gemm');
    const native = products();
    expect(calls).toHaveBeenCalledTimes(3);
    setNativeKernels(false);
    const wasm = products();
    expect(calls).toHaveBeenCalledTimes(3);
    calls.mockRestore();
    native.forEach((n, i) => {
      let worst = 0;
      for (let j = 0; j < n.length; j++) worst = Math.max(worst, Math.abs(n[j] - wasm[i][j]));
      // terms ~N(0, 1), K ≤ 300: sums ~17, rounding differences a few ulps (2e-6 each); 1e-4 is ~50 ulps. (With
      // relaxed-SIMD FMA both sum each element in the same order and agree to the bit.)
      expect(worst).toBeLessThan(1e-4);
    });
  });

  it('run convolutions and both their gradients (values against cpu: test/wasmKernels.test.ts)', () => {
    setNativeKernels(true);
    // the implicitly padded entry points (the older ones take a padded copy, for an addon built before them)
    const conv = vi.spyOn(nativePackage, 'conv2d');
    const filter = vi.spyOn(nativePackage, 'conv2dFilterGrad');
    tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 9, 3]);
      const w = tf.randomNormal([3, 3, 3, 5]);
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]);
    });
    // the forward pass, and the stride-2 input gradient as four sub-pixel phases (one direct convolution each)
    expect(conv).toHaveBeenCalledTimes(5);
    expect(filter).toHaveBeenCalledTimes(1);
    conv.mockRestore();
    filter.mockRestore();
  });

  it('give the same bits on one and on two threads', () => {
    setNativeKernels(true);
    setWasmThreads(1);
    const one = products();
    setWasmThreads(2);
    const two = products();
    two.forEach((t, i) => expect(t).toEqual(one[i]));
  });

  it('leave the tensor count flat over repeated training steps', () => {
    setNativeKernels(true);
    const w = tf.variable(tf.tensor2d(rng.normalArray(64 * 32), [64, 32]));
    const x = tf.tensor2d(rng.normalArray(128 * 64), [128, 64]);
    const opt = tf.train.adam(1e-3);
    const step = () => opt.minimize(() => tf.mean(tf.square(tf.matMul(x, w))));
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x]);
    opt.dispose();
  });
});

describe('switching native kernels', () => {
  it('setNativeKernels(false) and SCOREKIT_NATIVE=0 turn them off and say so', () => {
    setNativeKernels(false);
    expect(nativeKernelsStatus()).toEqual({ active: false, reason: 'switched off by setNativeKernels(false)' });
    resetNativeKernels();
    process.env.SCOREKIT_NATIVE = '0';
    expect(nativeKernelsStatus()).toEqual({ active: false, reason: 'switched off by SCOREKIT_NATIVE=0' });
    // read once, at first use: a later change is seen after resetNativeKernels()
    process.env.SCOREKIT_NATIVE = '1';
    expect(nativeKernelsStatus().reason).toBe('switched off by SCOREKIT_NATIVE=0');
    resetNativeKernels();
    expect(nativeKernelsStatus().reason).not.toBe('switched off by SCOREKIT_NATIVE=0');
  });

  it('bad values are refused, naming the allowed ones', () => {
    expect(() => setNativeKernels('yes' as unknown as boolean)).toThrow(/must be true or false, got yes/);
    process.env.SCOREKIT_NATIVE = 'on';
    expect(() => nativeKernelsStatus()).toThrow(/SCOREKIT_NATIVE must be 0 .* or 1 .*got 'on'/);
  });

  it('the backend report says whether they are on', async () => {
    const lines: string[] = [];
    await selectBackend({ backend: 'wasm', report: (l) => lines.push(l) });
    expect(lines[0]).toContain(active ? 'native kernels on' : `native kernels off: ${nativeKernelsStatus().reason}`);
    setNativeKernels(false);
    lines.length = 0;
    await selectBackend({ backend: 'wasm', report: (l) => lines.push(l) });
    expect(lines[0]).toContain('native kernels off: switched off by setNativeKernels(false)');
  });
});
