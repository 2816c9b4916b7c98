// Regression: tensors above 2 GiB in the wasm heap. tfjs-backend-wasm's heap grows to 4 GiB, so byte offsets
// ≥ 2³¹ occur in real training (the models bench at batch 64 crashed with "RangeError: offset is out of bounds" in
// the gemm: a signed `ptr >> 2` turned such an offset negative). A 2.1 GB block is taken with the backend's own
// malloc (not filled, so it costs address space rather than time), every kernel then runs on tensors placed above
// it, and the results are compared with the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose } from '@scorekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/index.js';
import type { WasmBackendLike } from '../src/wasm/internal/WasmRuntime.js';

const HIGH = 2 ** 31 + 64 * 2 ** 20;
let block = 0;

function wasmBackend(): WasmBackendLike {
  return tf.findBackend('wasm') as unknown as WasmBackendLike;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  block = wasmBackend().wasm._malloc(HIGH) >>> 0;
});
afterAll(async () => {
  if (block !== 0) wasmBackend().wasm._free(block);
  await tf.setBackend('cpu');
});

/** Value and gradients of a weighted sum of fn on `backend`, for fixed random inputs. */
async function valueAndGrads(
  backend: 'cpu' | 'wasm',
  shapes: number[][],
  fn: (...xs: tf.Tensor[]) => tf.Tensor,
): Promise<{ y: Float32Array; grads: Float32Array[]; offsets: number[] }> {
  await tf.setBackend(backend);
  const rng = new Rng(11);
  return tf.tidy(() => {
    const xs = shapes.map((s) => rng.normal(s));
    const y = fn(...xs);
    const w = new Rng(12).normal(y.shape);
    const grads = tf.grads((...as: tf.Tensor[]) => tf.sum(tf.mul(fn(...as), w)))(xs);
    const offsets =
      backend === 'wasm' ? [...xs, y, ...grads].map((t) => wasmBackend().dataIdMap.get(t.dataId)?.memoryOffset ?? 0) : [];
    return { y: y.dataSync() as Float32Array, grads: grads.map((g) => g.dataSync() as Float32Array), offsets };
  });
}

async function expectSame(shapes: number[][], fn: (...xs: tf.Tensor[]) => tf.Tensor, atol: number): Promise<void> {
  const cpu = await valueAndGrads('cpu', shapes, fn);
  const wasm = await valueAndGrads('wasm', shapes, fn);
  // the point of the test: every tensor lies above 2³¹
  for (const o of wasm.offsets) expect(o).toBeGreaterThanOrEqual(2 ** 31);
  expectAllClose(wasm.y, cpu.y, atol, 1e-5);
  wasm.grads.forEach((g, i) => expectAllClose(g, cpu.grads[i], atol, 1e-5));
}

describe('wasm kernels on tensors above 2 GiB of heap', () => {
  // Sums of ≤ 600 products of N(0,1) terms in float32 in different orders: errors ~√K·2⁻²⁴·K ≈ 1e-4 at most.
  it('matMul with every transpose, values and gradients (gemm, packing, edge tiles)', async () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      await expectSame([ta ? [70, 130] : [130, 70], tb ? [37, 70] : [70, 37]], (a, b) => tf.matMul(a, b, ta, tb), 2e-4);
    }
  });

  it('conv2d stride 1 and 2, values and both gradients', async () => {
    for (const s of [1, 2]) {
      await expectSame([[3, 9, 9, 5], [3, 3, 5, 12]], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, 'same'), 2e-4);
    }
  });

  it('concat, split, gather gradient', async () => {
    await expectSame([[2, 4, 4, 3], [2, 4, 4, 5]], (a, b) => tf.concat([a, b], 3), 1e-5);
    await expectSame([[2, 6, 5]], (a) => tf.split(a, [2, 4], 1)[1], 1e-5);
    await expectSame([[10, 6]], (a) => tf.gather(a, tf.tensor1d([3, 3, 0, 9, 1], 'int32')), 1e-5);
  });

  it('nearest-neighbour 2× upsampling gradient is the 2×2 block sum of dy', async () => {
    // Not compared with the cpu backend: tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad is wrong for batch > 1
    // (it offsets dy by the images' batch stride instead of dy's). The adjoint of 2× nearest upsampling is
    // exact: each input pixel receives the sum of its 2×2 block of dy (sums of 4 floats, so 1e-5 is ample).
    const wasm = await valueAndGrads('wasm', [[2, 4, 4, 3]], (a) => tf.image.resizeNearestNeighbor(a as tf.Tensor4D, [8, 8]));
    for (const o of wasm.offsets) expect(o).toBeGreaterThanOrEqual(2 ** 31);
    await tf.setBackend('cpu');
    const blockSum = tf.tidy(() => tf.sum(tf.reshape(new Rng(12).normal([2, 8, 8, 3]), [2, 4, 2, 4, 2, 3]), [2, 4]).dataSync());
    expectAllClose(wasm.grads[0], blockSum as Float32Array, 1e-5, 1e-5);
  });
});
