// scorekit's wasm kernels against tfjs's cpu backend (the reference implementation of every tfjs kernel), values
// and gradients, over shapes chosen to hit every code path: tile edges (sizes not multiples of 4 or 8), K blocking,
// transposes, broadcast batches, strides, dilations, padding modes, channel counts below one vector.
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose } from '@scorekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, nativeKernelsStatus, setNativeKernels } from '../src/index.js';
import { resetNativeKernels } from '../src/native/nativeKernels.js';

type Input = { values: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' | 'bool' };

const rng = new Rng(7);
const rand = (shape: number[], scale = 1): Input => ({
  values: rng.normalArray(shape.reduce((a, b) => a * b, 1), 0, scale),
  shape,
});

/** Runs `fn` on fresh tensors on `backend` and returns every output's values and shape. */
async function runOn(
  backend: 'cpu' | 'wasm',
  inputs: Input[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<{ values: Float32Array | Int32Array | Uint8Array; shape: number[] }[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? (i.values instanceof Int32Array ? 'int32' : 'float32')));
    const out = fn(...xs);
    return (Array.isArray(out) ? out : [out]).map((t) => ({ values: t.dataSync() as Float32Array, shape: t.shape }));
  });
}

/**
 * Asserts wasm and cpu agree. Both accumulate in float32 in different orders: the difference of a sum of K terms
 * of size s is a few √K·s·2⁻²⁴; `atol` is set per case from K and the inputs' scale with ≥10× headroom.
 */
async function expectSameOnWasmAndCpu(
  inputs: Input[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  atol: number,
  rtol = 1e-5,
): Promise<void> {
  const cpu = await runOn('cpu', inputs, fn);
  const wasm = await runOn('wasm', inputs, fn);
  expect(wasm.length).toBe(cpu.length);
  wasm.forEach((w, i) => {
    expect(w.shape).toEqual(cpu[i].shape);
    expectAllClose(w.values, cpu[i].values, atol, rtol);
  });
}

/** The sum of fn's outputs weighted by fixed random tensors: a scalar whose gradient is fn's VJP with those weights. */
function weightedSum(fn: (...xs: tf.Tensor[]) => tf.Tensor, seed: number): (...xs: tf.Tensor[]) => tf.Scalar {
  return (...xs) => {
    const y = fn(...xs);
    const w = new Rng(seed).normal(y.shape);
    return tf.sum(tf.mul(y, w));
  };
}

function gradsOf(fn: (...xs: tf.Tensor[]) => tf.Tensor, seed = 3): (...xs: tf.Tensor[]) => tf.Tensor[] {
  return (...xs) => tf.grads(weightedSum(fn, seed))(xs);
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

// Products run natively when @scorekit/native is built (this repository builds it), else in WebAssembly: both paths
// are checked against cpu.
for (const products of ['WebAssembly', 'native'] as const) {
  const suite = products === 'WebAssembly' || nativeKernelsStatus().active ? describe : describe.skip;
  suite(`BatchMatMul on wasm (${products} products) matches cpu`, () => {
    beforeAll(() => setNativeKernels(products === 'native'));
    afterAll(() => resetNativeKernels());

    const cases: [number, number, number][] = [
      [1, 1, 1],
      [5, 7, 9],
      [4, 8, 8],
      [33, 300, 17],
      [130, 600, 70], // K > 384: two K blocks accumulate
      [12, 391, 24], // K blocks of 256 and 135: the packing's 4-deep vector steps and a 3-value tail
      [3, 2, 256],
    ];
    for (const [m, k, n] of cases) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          it(`${m}×${k}×${n}, transposeA=${ta}, transposeB=${tb}: values and gradients`, async () => {
            const a = rand(ta ? [k, m] : [m, k]);
            const b = rand(tb ? [n, k] : [k, n]);
            const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, ta, tb);
            // K terms of size ~1: |error| ≲ 8·√K·2⁻²⁴·‖row‖ ≈ 1e-5 for K = 600; 1e-4 keeps 10× headroom.
            await expectSameOnWasmAndCpu([a, b], f, 1e-4);
            await expectSameOnWasmAndCpu([a, b], gradsOf(f), 1e-4 * Math.sqrt(Math.max(m, n)));
          });
        }
      }
    }

    it('batched and broadcast batch dimensions', async () => {
      const a = rand([2, 3, 5, 6]);
      const b = rand([3, 6, 4]);
      await expectSameOnWasmAndCpu([a, b], (x, y) => tf.matMul(x, y), 1e-5);
      // (tfjs's MatMul gradient does not reduce broadcast batch dimensions on any backend: gradients need equal ones)
      await expectSameOnWasmAndCpu([rand([3, 5, 6]), rand([3, 6, 4])], gradsOf((x, y) => tf.matMul(x, y)), 1e-4);
      const q = rand([2, 4, 9, 8]);
      const kk = rand([2, 4, 11, 8]);
      await expectSameOnWasmAndCpu([q, kk], (x, y) => tf.matMul(x, y, false, true), 1e-5);
    });

    for (const activation of ['linear', 'relu', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
      for (const [ta, tb] of [[false, false], [true, true]]) {
        it(`fused matMul with bias and ${activation}, transposeA=${ta}, transposeB=${tb} (the layers API path)`, async () => {
          const a = rand(ta ? [20, 37] : [37, 20]);
          const b = rand(tb ? [13, 20] : [20, 13]);
          const bias = rand([13]);
          const alpha = rand([13], 0.1);
          const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor, p: tf.Tensor) =>
            tf.fused.matMul({
              a: x as tf.Tensor2D,
              b: y as tf.Tensor2D,
              transposeA: ta,
              transposeB: tb,
              bias: z,
              activation,
              preluActivationWeights: activation === 'prelu' ? p : undefined,
              leakyreluAlpha: 0.3,
            });
          await expectSameOnWasmAndCpu([a, b, bias, alpha], f, 1e-5);
          if (activation === 'linear' || activation === 'relu') {
            await expectSameOnWasmAndCpu([a, b, bias], gradsOf((x, y, z) => f(x, y, z, z)), 1e-4);
          }
        });
      }
    }

    it('says which inner dimensions disagree', async () => {
      await tf.setBackend('wasm');
      expect(() => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 5]))).toThrow(/inner/i);
    });
  });
}

// Convolutions run natively when @scorekit/native is built, else as generated WebAssembly: both are checked.
for (const code of ['WebAssembly', 'native'] as const) {
  const suite = code === 'WebAssembly' || nativeKernelsStatus().active ? describe : describe.skip;
  suite(`Conv2D and its gradients on wasm (${code} code) match cpu`, () => {
    beforeAll(() => setNativeKernels(code === 'native'));
    afterAll(() => resetNativeKernels());

    type ConvCase = { x: number[]; f: number[]; s: number | [number, number]; pad: 'same' | 'valid' | number; d?: number };
    const cases: ConvCase[] = [
      { x: [2, 9, 9, 3], f: [3, 3, 3, 5], s: 1, pad: 'same' },
      { x: [2, 9, 9, 3], f: [3, 3, 3, 8], s: 2, pad: 'same' },
      { x: [1, 8, 7, 4], f: [3, 3, 4, 16], s: 2, pad: 'valid' },
      { x: [2, 10, 11, 5], f: [3, 2, 5, 9], s: [2, 1], pad: 'same' },
      { x: [3, 7, 7, 8], f: [1, 1, 8, 3], s: 1, pad: 'valid' },
      { x: [1, 6, 6, 1], f: [5, 5, 1, 1], s: 1, pad: 'same' },
      { x: [2, 13, 13, 6], f: [3, 3, 6, 12], s: 3, pad: 1 },
      { x: [4, 14, 14, 32], f: [3, 3, 32, 64], s: 2, pad: 'same' }, // the benchmark's down-sampling layer, smaller batch
      { x: [2, 12, 12, 2], f: [3, 3, 2, 4], s: 1, pad: 'same', d: 2 },
    ];
    for (const c of cases) {
      const label = `x [${c.x}], filter [${c.f}], stride ${c.s}, pad ${c.pad}${c.d ? `, dilation ${c.d}` : ''}`;
      it(`${label}: output, dx and dW`, async () => {
        const x = rand(c.x);
        const w = rand(c.f, 1 / Math.sqrt(c.f[0] * c.f[1] * c.f[2]));
        const conv = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, 'NHWC', c.d ?? 1);
        // Sums of ≤ 9·64 terms of size ≲ 1: float32 order differences stay below 1e-5; gradients sum over ≤ 784
        // pixels more, 1e-4·√N scaled by their size.
        await expectSameOnWasmAndCpu([x, w], conv, 1e-5);
        if ((c.d ?? 1) === 1) await expectSameOnWasmAndCpu([x, w], gradsOf(conv), 2e-4);
      });
    }

    for (const [label, xs, fs, s] of [
      ['3×3 same, 32 → 19 channels, stride 1', [2, 9, 7, 32], [3, 3, 32, 19], 1],
      ['3×3 same, stride 2, one output channel', [2, 8, 8, 5], [3, 3, 5, 1], 2],
    ] as const) {
      it(`fused conv2d with a bias (${label}): the same bits as conv2d then add on wasm, and cpu's values and gradients`, async () => {
        const x = rand([...xs]);
        const w = rand([...fs], 1 / Math.sqrt(fs[0] * fs[1] * fs[2]));
        const b = rand([fs[3]]);
        const fused = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) =>
          tf.fused.conv2d({ x: a as tf.Tensor4D, filter: f as tf.Tensor4D, strides: s, pad: 'same', bias: c });
        const plain = (a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) => tf.add(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, s, 'same'), c);
        const [one] = await runOn('wasm', [x, w, b], fused);
        const [two] = await runOn('wasm', [x, w, b], plain);
        expect(Array.from(one.values)).toEqual(Array.from(two.values));
        // as the plain convolution above: sums of ≤ 9·32 terms of size ≲ 1, gradients over ≤ 128 pixels more
        await expectSameOnWasmAndCpu([x, w, b], fused, 1e-5);
        await expectSameOnWasmAndCpu([x, w, b], gradsOf(fused), 2e-4);
      });
    }

    it('conv2dTranspose (Conv2DBackpropInput used forward)', async () => {
      const dy = rand([2, 5, 6, 7]);
      const w = rand([3, 3, 4, 7]);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 10, 12, 4], 2, 'same');
      await expectSameOnWasmAndCpu([dy, w], f, 1e-5);
      await expectSameOnWasmAndCpu([dy, w], gradsOf(f), 1e-4);
    });

    it('second-order gradients through conv (input gradient differentiated again)', async () => {
      const x = rand([2, 8, 8, 3]);
      const w = rand([3, 3, 3, 6], 0.3);
      const f = (a: tf.Tensor, b: tf.Tensor) => {
        const gx = tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.conv2d(u as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))))(a);
        return tf.sum(tf.square(gx));
      };
      await expectSameOnWasmAndCpu([x, w], (a, b) => tf.grads(f)([a, b]), 1e-3, 1e-4);
    });

    it('rejects NCHW with a message naming the allowed format', async () => {
      await tf.setBackend('wasm');
      expect(() =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: tf.zeros([1, 2, 4, 4]), dy: tf.zeros([1, 2, 4, 4]) }, {
          strides: 1,
          pad: 'same',
          dataFormat: 'NCHW',
          filterShape: [3, 3, 2, 2],
        }),
      ).toThrow(/dataFormat 'NCHW'.*allowed: 'NHWC'/);
    });
  });
}

describe('memory and data-movement kernels on wasm match cpu', () => {
  it('concat and split along every axis, float32, int32 and bool', async () => {
    const a = rand([3, 4, 5]);
    const b = rand([3, 4, 2]);
    const c = rand([3, 4, 5]);
    for (const axis of [0, 1, 2]) {
      const second = axis === 2 ? b : c;
      await expectSameOnWasmAndCpu([a, second], (x, y) => tf.concat([x, y, x], axis), 0);
      await expectSameOnWasmAndCpu([a], (x) => tf.split(x, axis === 2 ? [1, 3, 1] : [1, -1], axis), 0);
    }
    const i = { values: Int32Array.from({ length: 12 }, (_, k) => k * 7 - 20), shape: [3, 4] };
    await expectSameOnWasmAndCpu([i, i], (x, y) => tf.concat([x, y], 1), 0);
    await expectSameOnWasmAndCpu([i], (x) => tf.cast(tf.concat([tf.greater(x, 0), tf.less(x, 5)], 0), 'int32'), 0);
    await expectSameOnWasmAndCpu([a, b], gradsOf((x, y) => tf.concat([x, y], 2)), 1e-6);
  });

  it('sum over leading axes (bias gradients) and other reductions', async () => {
    const x = rand([6, 5, 7, 9]);
    for (const axis of [[0], [0, 1], [0, 1, 2], [1], [2, 3], [0, 2], [0, 1, 2, 3]]) {
      // ≤ 210 terms of size 1: 1e-5 covers float32 order differences 10× over.
      await expectSameOnWasmAndCpu([x], (v) => tf.sum(v, axis), 1e-5);
      await expectSameOnWasmAndCpu([x], (v) => tf.sum(v, axis, true), 1e-5);
    }
  });

  it('identity and same-dtype cast share data without changing values', async () => {
    const x = rand([4, 3]);
    await expectSameOnWasmAndCpu([x], (v) => [tf.clone(v), tf.cast(v, 'float32'), tf.cast(v, 'int32')], 0);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const v = tf.tensor([1, 2, 3]);
      const c = tf.clone(v);
      v.dispose();
      expect(Array.from(c.dataSync())).toEqual([1, 2, 3]); // the shared data outlives the disposed source
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('nearest-neighbour resize gradient for integer and fractional scales, all corner modes', async () => {
    const modes = [[false, false], [true, false], [false, true]] as const;
    const sizes: [number, number][] = [[10, 14], [8, 9], [3, 4]];
    // Batch 1 without half-pixel centres against cpu. (tfjs-backend-cpu's own ResizeNearestNeighborGrad offsets dy
    // by the *images* batch stride, wrong for batch > 1, and is not the adjoint of its resize with half-pixel
    // centres at fractional scales; those cases are checked by the adjoint identity below.)
    const x1 = rand([1, 5, 7, 3]);
    for (const size of sizes) {
      for (const [alignCorners, halfPixelCenters] of modes.filter(([, h]) => !h)) {
        const f = (v: tf.Tensor) => tf.image.resizeNearestNeighbor(v as tf.Tensor4D, size, alignCorners, halfPixelCenters);
        await expectSameOnWasmAndCpu([x1], gradsOf(f), 1e-5);
      }
    }
  });

  it('nearest-neighbour resize gradient is the adjoint of the resize (batch > 1, half-pixel centres): <R x, w> = <x, Rᵀ w>', async () => {
    await tf.setBackend('wasm');
    for (const size of [[10, 14], [8, 9], [3, 4]] as [number, number][]) {
      for (const [alignCorners, halfPixelCenters] of [[false, false], [true, false], [false, true]]) {
        tf.tidy(() => {
          const r = (v: tf.Tensor) => tf.image.resizeNearestNeighbor(v as tf.Tensor4D, size, alignCorners, halfPixelCenters);
          const x = new Rng(11).normal([3, 5, 7, 2]);
          const w = new Rng(12).normal([3, size[0], size[1], 2]);
          const rtw = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(r(v), w)))(tf.zerosLike(x));
          const lhs = tf.sum(tf.mul(r(x), w)).dataSync()[0];
          const rhs = tf.sum(tf.mul(x, rtw)).dataSync()[0];
          // two float32 sums of ≤ 420 products of unit normals: |difference| ≲ 1e-4
          expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3);
        });
      }
    }
  });

  it('unsorted segment sum (gather gradient), with ids out of range dropped', async () => {
    const x = rand([7, 5]);
    const ids: Input = { values: Int32Array.from([2, 0, 2, 4, -1, 9, 0]), shape: [7] };
    await expectSameOnWasmAndCpu([x, ids], (v, s) => tf.unsortedSegmentSum(v, s as tf.Tensor1D, 6), 1e-6);
    const table = rand([10, 6]);
    const idx: Input = { values: Int32Array.from([3, 3, 0, 9, 1, 3]), shape: [2, 3] };
    await expectSameOnWasmAndCpu([table, idx], (t, i) => tf.grads(weightedSum((u) => tf.gather(u, i), 5))([t]), 1e-5);
    const xi: Input = { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] };
    const ids3: Input = { values: Int32Array.from([1, 1, 0]), shape: [3] };
    await expectSameOnWasmAndCpu([xi, ids3], (v, s) => tf.unsortedSegmentSum(v, s as tf.Tensor1D, 2), 0);
  });
});
