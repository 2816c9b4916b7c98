// upsampleNearest2x: on wasm with the native kernels (a copy, and a 2 × 2 block sum as its gradient) the same bits as
// the broadcast composition it replaces, for the value, the gradient and the gradient's gradient; the same values as
// the cpu backend; the same bits on one and two threads; no leaked tensors.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoTensorLeak } from '@scorekit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, nativeKernelsStatus, setWasmThreads, upsampleNearest2x } from '../src/index.js';
import { upsampleNearest2xReference } from '../src/nn/upsampleNearest2x.js';
import { UPSAMPLE_2X } from '../src/wasm/kernels/Upsample2x.js';

const shape = [3, 7, 5, 12];

/** Value, first gradient of Σ w·up(x)², and the gradient of Σ v·(that gradient) in x: three orders of the op. */
function orders(up: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, w: tf.Tensor, v: tf.Tensor): number[][] {
  return tf.tidy(() => {
    const f = (a: tf.Tensor) => tf.sum(tf.mul(w, tf.square(up(a))));
    const g = tf.grad(f);
    const h = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(v, g(a))));
    return [up(x), g(x), h(x)].map((t) => Array.from(t.dataSync()));
  });
}

const run = nativeKernelsStatus().active ? describe : describe.skip;

run('upsampleNearest2x on wasm with the native kernels', () => {
  afterAll(async () => {
    setWasmThreads(1);
    await tf.setBackend('cpu');
  });
  const rng = new Rng(1);
  const x = rng.normal(shape);
  const w = rng.normal([3, 14, 10, 12]);
  const v = rng.normal(shape);

  it('runs its own kernel, and gives the bits of the broadcast composition (value, gradient, second order)', async () => {
    await tf.setBackend('wasm');
    const profile = await tf.profile(() => tf.tidy(() => upsampleNearest2x(x)));
    expect(profile.kernelNames).toContain(UPSAMPLE_2X);
    const fused = orders(upsampleNearest2x, x, w, v);
    const composed = orders(upsampleNearest2xReference, x, w, v);
    expect(fused).toEqual(composed);
    // and the gradient is not trivially zero: 2·Σ over each block of w·up(x) per pixel
    expect(Math.max(...fused[1].map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('the same values as the cpu backend (copies, and four-term sums in the same order)', async () => {
    await tf.setBackend('wasm');
    const wasm = orders(upsampleNearest2x, x, w, v);
    await tf.setBackend('cpu');
    const cpu = orders(upsampleNearest2xReference, x, w, v);
    expect(wasm[0]).toEqual(cpu[0]);
    // the gradients multiply by w and 2 around the block sum: float32 ops in possibly another association on cpu,
    // so agreement to a few ulps of the largest value (2e-6 relative)
    for (const i of [1, 2]) {
      const scale = Math.max(...cpu[i].map(Math.abs));
      wasm[i].forEach((g, j) => expect(Math.abs(g - cpu[i][j])).toBeLessThanOrEqual(2e-6 * scale));
    }
  });

  it('the same bits on one and two threads, and no leaked tensors', async () => {
    await tf.setBackend('wasm');
    const big = new Rng(2).normal([16, 14, 14, 64]);
    const bw = new Rng(3).normal([16, 28, 28, 64]);
    const bv = new Rng(4).normal([16, 14, 14, 64]);
    const once = (threads: number) => {
      setWasmThreads(threads);
      return orders(upsampleNearest2x, big, bw, bv);
    };
    expect(once(2)).toEqual(once(1));
    await expectNoTensorLeak(() => {
      orders(upsampleNearest2x, x, w, v);
    });
    tf.dispose([big, bw, bv]);
  });
});

describe('upsampleNearest2x checks its input', () => {
  it('names the shape it needs', () => {
    expect(() => upsampleNearest2x(tf.zeros([4, 4, 2]))).toThrow(/x must be NHWC \[n, h, w, c\], got shape \[4,4,2\]/);
  });
});
