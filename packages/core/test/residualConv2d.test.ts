// residualConv2d (a convolution with a residual block's last step fused in: + bias, + per-sample bias, residual +,
// × scale): on wasm the same bits as the tfjs composition it replaces (fused conv2d, add, add, mul), values and
// gradients against that composition on the cpu backend, second derivatives against the composition's, the same
// bits on one and two threads, the kernel's JavaScript last step (without the native one), no leaked tensors.
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, nativeKernelsStatus, residualConv2d, setNativeKernels, setWasmThreads, silu, type ResidualConv2dOptions } from '../src/index.js';
import { resetNativeKernels } from '../src/native/nativeKernels.js';
import { residualConv2dReference } from '../src/nn/residualConv2d.js';
import { RESIDUAL_CONV2D } from '../src/wasm/kernels/ResidualConv2D.js';

interface Case {
  readonly label: string;
  readonly x: number[]; // [n, h, w, inC]
  readonly outC: number;
  readonly strides: 1 | 2;
  readonly bias: boolean;
  readonly sampleBias: boolean;
  readonly residual: boolean;
  readonly scale: number;
}

// A ResNet block's two convolutions (time embedding; skip path and 1/√2), all of it at once, a bias-only
// stride-2 downsampling, and a one-channel output layer; odd sizes and 20 output channels (a partial panel).
const CASES: Case[] = [
  { label: 'sample bias', x: [3, 7, 6, 9], outC: 20, strides: 1, bias: true, sampleBias: true, residual: false, scale: 1 },
  { label: 'residual × 1/√2', x: [2, 5, 5, 12], outC: 12, strides: 1, bias: true, sampleBias: false, residual: true, scale: Math.SQRT1_2 },
  { label: 'everything', x: [2, 6, 4, 5], outC: 20, strides: 1, bias: true, sampleBias: true, residual: true, scale: 0.3 },
  { label: 'bias only, stride 2', x: [2, 8, 8, 8], outC: 16, strides: 2, bias: true, sampleBias: false, residual: false, scale: 1 },
  { label: 'no bias, one output channel', x: [2, 6, 6, 8], outC: 1, strides: 1, bias: false, sampleBias: false, residual: true, scale: 1 },
];

/** The case's tensors from a seed (kept: the caller disposes them). */
function operands(c: Case, seed: number) {
  const rng = new Rng(seed);
  const [n, h, w, inC] = c.x;
  const outH = Math.ceil(h / c.strides);
  const outW = Math.ceil(w / c.strides);
  const x = rng.normal(c.x);
  const filter = rng.normal([3, 3, inC, c.outC], 0, 0.3);
  const options: ResidualConv2dOptions = {
    strides: c.strides,
    scale: c.scale,
    bias: c.bias ? rng.normal([c.outC]) : undefined,
    sampleBias: c.sampleBias ? rng.normal([n, c.outC]) : undefined,
    residual: c.residual ? rng.normal([n, outH, outW, c.outC]) : undefined,
  };
  const weights = rng.normal([n, outH, outW, c.outC]);
  return { x, filter, options, weights };
}

type Operands = ReturnType<typeof operands>;
const tensorsOf = (o: Operands): tf.Tensor[] =>
  [o.x, o.filter, o.weights, o.options.bias, o.options.sampleBias, o.options.residual].filter((t): t is tf.Tensor => t !== undefined);

/** Value and the gradients of Σ weights·y with respect to every operand, as arrays. */
function valueAndGrads(o: Operands, conv: typeof residualConv2d): number[][] {
  return tf.tidy(() => {
    const names = (['bias', 'sampleBias', 'residual'] as const).filter((k) => o.options[k] !== undefined);
    const f = (x: tf.Tensor, filter: tf.Tensor, ...rest: tf.Tensor[]) => {
      const opts: ResidualConv2dOptions = { ...o.options };
      names.forEach((k, i) => Object.assign(opts, { [k]: rest[i] }));
      return tf.sum(tf.mul(conv(x, filter, opts), o.weights));
    };
    const grads = tf.grads(f)([o.x, o.filter, ...names.map((k) => o.options[k] as tf.Tensor)]);
    return [conv(o.x, o.filter, o.options), ...grads].map((t) => Array.from(t.dataSync()));
  });
}

async function onBackend<T>(backend: string, fn: () => T): Promise<T> {
  await tf.setBackend(backend);
  return fn();
}

const path = nativeKernelsStatus().active ? describe : describe.skip;

path('residualConv2d on wasm with the native kernels', () => {
  afterAll(async () => {
    setWasmThreads(1);
    resetNativeKernels();
    await tf.setBackend('cpu');
  });

  for (const c of CASES) {
    it(`${c.label}: the same bits as the composition on wasm; values and gradients as the composition on cpu`, async () => {
      await tf.setBackend('wasm');
      const o = operands(c, 1);
      const fused = valueAndGrads(o, residualConv2d);
      const composed = valueAndGrads(o, residualConv2dReference);
      // the forward pass: one float32 rounding per step in the same order, so equal bits
      expect(fused[0]).toEqual(composed[0]);
      const cpu = await onBackend('cpu', () => valueAndGrads(o, residualConv2dReference));
      // float32 convolutions summing ≤ 3·3·12 products (forward) or ≤ 32·8·8 (filter gradient) of O(1) values in
      // another order than the cpu backend: relative 1e-5 of the largest value, 1e-4 for the longer gradient sums
      fused.forEach((v, i) => {
        const scale = Math.max(...cpu[i].map(Math.abs));
        expectAllClose(v, cpu[i], (i === 0 ? 1e-5 : 1e-4) * scale, 0);
      });
      tf.dispose(tensorsOf(o));
    });
  }

  it('second derivatives (through SiLU, as in an energy model) agree with the composition', async () => {
    await tf.setBackend('wasm');
    const c = CASES[2];
    const o = operands(c, 2);
    const v = new Rng(3).normal(c.x);
    // h(θ) = Σ v·∇ₓ Σ weights·SiLU(conv(x)): differentiating it in the filter and the biases needs the gradient of
    // the gradient
    const second = (conv: typeof residualConv2d) =>
      tf.tidy(() => {
        const inner = (filter: tf.Tensor, sampleBias: tf.Tensor) =>
          tf.sum(tf.mul(v, tf.grad((x: tf.Tensor) => tf.sum(tf.mul(silu(conv(x, filter, { ...o.options, sampleBias })), o.weights)))(o.x)));
        return tf.grads(inner)([o.filter, o.options.sampleBias as tf.Tensor]).map((t) => Array.from(t.dataSync()));
      });
    const fused = second(residualConv2d);
    const composed = second(residualConv2dReference);
    // the same maths with the same tfjs gradient ops after the first step; the first-order gradients differ in
    // summation order only (see above), so agreement to 1e-4 of the largest value
    fused.forEach((g, i) => expectAllClose(g, composed[i], 1e-4 * Math.max(...composed[i].map(Math.abs)), 0));
    expect(Math.max(...fused[0].map(Math.abs))).toBeGreaterThan(1e-3);
    tf.dispose([...tensorsOf(o), v]);
  });

  it('the same bits on one and two threads (value and every gradient)', async () => {
    await tf.setBackend('wasm');
    const c: Case = { ...CASES[2], x: [8, 14, 14, 32], outC: 32 };
    const o = operands(c, 4);
    const once = (threads: number) => {
      setWasmThreads(threads);
      return valueAndGrads(o, residualConv2d);
    };
    expect(once(2)).toEqual(once(1));
    tf.dispose(tensorsOf(o));
  });

  it('the kernel without the native last step (JavaScript after the convolution) gives the same bits', async () => {
    await tf.setBackend('wasm');
    const o = operands(CASES[2], 5);
    const run = () =>
      tf.tidy(() => {
        const { bias, sampleBias, residual, scale = 1 } = o.options;
        const inputs = { x: o.x, filter: o.filter, bias, sampleBias, residual } as Record<string, tf.Tensor>;
        return Array.from(
          (tf.engine().runKernel(RESIDUAL_CONV2D, inputs as never, { strides: 1, pad: 'same', scale, sampleBias: true } as never) as tf.Tensor).dataSync(),
        );
      });
    const composition = () => tf.tidy(() => Array.from(residualConv2dReference(o.x, o.filter, o.options).dataSync()));
    const native = run();
    expect(native).toEqual(composition());
    setNativeKernels(false);
    try {
      // the WebAssembly convolution, then the last step in JavaScript: the bits of the composition on the same
      // convolution (tfjs's own add and mul kernels without the native ones)
      const js = run();
      expect(js).toEqual(composition());
      // and the two convolutions sum in different orders: float32 agreement to 1e-5 of the largest value
      expectAllClose(js, native, 1e-5 * Math.max(...native.map(Math.abs)), 0);
    } finally {
      resetNativeKernels();
    }
    tf.dispose(tensorsOf(o));
  });

  it('leaks no tensors in a training-like step', async () => {
    await tf.setBackend('wasm');
    const o = operands(CASES[2], 6);
    await expectNoTensorLeak(() => {
      valueAndGrads(o, residualConv2d);
    });
    tf.dispose(tensorsOf(o));
  });
});

describe('residualConv2d checks its arguments', () => {
  it('names the wrong shape and what is allowed', () => {
    const x = tf.zeros([2, 5, 5, 3]);
    const w = tf.zeros([3, 3, 3, 4]);
    expect(() => residualConv2d(tf.zeros([5, 5, 3]), w)).toThrow(/x must be NHWC/);
    expect(() => residualConv2d(x, tf.zeros([3, 3, 2, 4]))).toThrow(/filter must be \[kH, kW, 3, outC\]/);
    expect(() => residualConv2d(x, w, { sampleBias: tf.zeros([2, 3]) })).toThrow(/sampleBias must have shape \[2,4\]/);
    expect(() => residualConv2d(x, w, { residual: tf.zeros([2, 5, 5, 3]) })).toThrow(/residual must have shape \[2,5,5,4\]/);
    expect(() => residualConv2d(x, w, { strides: 3 as never })).toThrow(/strides must be 1 or 2/);
    expect(() => residualConv2d(x, w, { scale: Number.NaN })).toThrow(/scale must be a finite number/);
    tf.dispose([x, w]);
  });
});
