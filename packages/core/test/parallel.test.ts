// scorekit's wasm kernels split across two threads (main + one worker on a shared memory) must give the same
// results as tfjs's cpu backend. The split threshold is lowered to 0 so these small shapes take the two-thread
// paths; every case also checks that the worker really took part. Native products (@scorekit/native) are switched
// off here: they bypass the worker (test/nativeKernels.test.ts covers them).
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose } from '@scorekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, getWasmThreads, setNativeKernels, setWasmThreads } from '../src/index.js';
import { resetNativeKernels } from '../src/native/nativeKernels.js';
import { setParallelMinFlops } from '../src/parallel/wasmThreads.js';
import { runtimeFor } from '../src/wasm/internal/WasmRuntime.js';

const rng = new Rng(21);

async function on(backend: 'cpu' | 'wasm', values: Float32Array[], shapes: number[][], fn: (...xs: tf.Tensor[]) => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => fn(...values.map((v, i) => tf.tensor(v, shapes[i]))).map((t) => t.dataSync() as Float32Array));
}

/** Counts the jobs the worker was handed while `fn` ran on wasm. */
function workerJobs(): number {
  const pool = runtimeFor(tf.backend()).parallel(Number.POSITIVE_INFINITY);
  return pool === null ? 0 : pool.jobs;
}

async function expectTwoThreadsMatchCpu(shapes: number[][], fn: (...xs: tf.Tensor[]) => tf.Tensor[], atolScale: number): Promise<void> {
  const values = shapes.map((s) => rng.normalArray(s.reduce((a, b) => a * b, 1)));
  const cpu = await on('cpu', values, shapes, fn);
  await tf.setBackend('wasm');
  const before = workerJobs();
  const wasm = await on('wasm', values, shapes, fn);
  expect(workerJobs(), 'the worker thread was not used').toBeGreaterThan(before);
  // Float32 sums in different orders (and, for filter gradients, split in two halves): differences stay below
  // 1e-6 of the largest value; 1e-5 of it leaves 10× headroom.
  cpu.forEach((c, i) => {
    const scale = Math.max(1, ...Array.from(c, Math.abs));
    expectAllClose(wasm[i], c, atolScale * 1e-5 * scale, 1e-5);
  });
}

beforeAll(async () => {
  setNativeKernels(false);
  setWasmThreads(2);
  setParallelMinFlops(0);
  await tf.setBackend('wasm');
  await tf.ready();
  // the worker starts once the event loop turns: wait for it
  tf.tidy(() => tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])));
  const rt = runtimeFor(tf.backend());
  for (let i = 0; i < 200 && rt.parallel(Number.POSITIVE_INFINITY) === null; i++) await new Promise((r) => setTimeout(r, 10));
  expect(rt.parallel(Number.POSITIVE_INFINITY)).not.toBeNull();
});

afterAll(async () => {
  resetNativeKernels();
  setParallelMinFlops(2e7);
  await tf.setBackend('cpu');
});

describe('wasm kernels on two threads match cpu', () => {
  it('getWasmThreads reports the setting; bad values are refused with the allowed ones', () => {
    expect(getWasmThreads()).toBe(2);
    expect(() => setWasmThreads(3)).toThrow(/1 \(main thread only\) or 2/);
  });

  for (const [m, k, n] of [[64, 40, 24], [70, 600, 19], [33, 17, 8]] as [number, number, number][]) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`matMul ${m}×${k}×${n}, transposeA=${ta}, transposeB=${tb}, and its gradients`, async () => {
          await expectTwoThreadsMatchCpu([ta ? [k, m] : [m, k], tb ? [n, k] : [k, n]], (a, b) => {
            const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), tf.matMul(x, y, ta, tb)));
            return [tf.matMul(a, b, ta, tb), ...tf.grads(f)([a, b])];
          }, 10);
        });
      }
    }
  }

  it('matMul gives bit-identical results whatever share of the rows the worker takes', async () => {
    await tf.setBackend('wasm');
    const [m, k, n] = [96, 300, 40];
    const a = tf.tensor2d(rng.normalArray(m * k), [m, k]);
    const b = tf.tensor2d(rng.normalArray(k * n), [k, n]);
    const split = runtimeFor(tf.backend()).split('gemm', 2 * m * n * k);
    const results: Float32Array[] = [];
    // Drive the adaptive share to each bound: a worker reported 9× faster, then 9× slower, than this thread.
    for (const workerSeconds of [0.01, 0.09, 0.05]) {
      for (let i = 0; i < 40; i++) split.record(12, workerSeconds, 12, 0.03);
      const c = tf.matMul(a, b);
      results.push(c.dataSync() as Float32Array);
      c.dispose();
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual(results[2]);
    tf.dispose([a, b]);
  });

  it('conv2d gives bit-identical results whatever share of the images the worker takes', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(rng.normalArray(8 * 9 * 9 * 4), [8, 9, 9, 4]);
    const w = tf.tensor4d(rng.normalArray(3 * 3 * 4 * 8), [3, 3, 4, 8]);
    const split = runtimeFor(tf.backend()).split('conv', 2 * 8 * 9 * 9 * 8 * 4 * 9);
    const results: Float32Array[] = [];
    for (const workerSeconds of [0.01, 0.09, 0.05]) {
      for (let i = 0; i < 40; i++) split.record(4, workerSeconds, 4, 0.03);
      const y = tf.conv2d(x, w, 1, 'same');
      results.push(y.dataSync() as Float32Array);
      y.dispose();
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual(results[2]);
    tf.dispose([x, w]);
  });

  const convs: [number[], number[], number, 'same' | 'valid'][] = [
    [[4, 10, 10, 8], [3, 3, 8, 16], 1, 'same'],
    [[3, 9, 9, 5], [3, 3, 5, 12], 2, 'same'],
    [[5, 8, 8, 2], [3, 3, 2, 3], 1, 'valid'],
  ];
  for (const [xs, fs, s, pad] of convs) {
    it(`conv2d x [${xs}] filter [${fs}] stride ${s} ${pad}: output, dx, dW`, async () => {
      await expectTwoThreadsMatchCpu([xs, fs], (x, w) => {
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad)));
        return [tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad), ...tf.grads(f)([x, w])];
      }, 10);
    });
  }
});
