// The fused SiLU kernels on wasm (one SIMD pass each for SiLU and SiLU') against float64 closed forms, over the
// whole float range that matters and at lengths that leave a scalar tail; and the op really uses them.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoTensorLeak } from '@scorekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeKernelsStatus, setNativeKernels, silu } from '../src/index.js';
import { resetNativeKernels } from '../src/native/nativeKernels.js';
import { SILU, SILU_DERIVATIVE } from '../src/wasm/kernels/Silu.js';

const sig = (x: number): number => 1 / (1 + Math.exp(-x));
// of the float32 input the kernel sees (e^{−x} turns x's own rounding, 6e-8 relative, into |x|·6e-8)
const exactSilu = (v: number): number => {
  const x = Math.fround(v);
  return x * sig(x);
};
const exactDerivative = (v: number): number => {
  const x = Math.fround(v);
  return sig(x) * (1 + x * (1 - sig(x)));
};

/** 4001 points on [−40, 40] (a tail of 1 after 1000 vectors), plus the clamp edges and beyond. */
const xs = [
  ...Array.from({ length: 4001 }, (_, i) => -40 + i * 0.02),
  -1000, -100, -88.5, -87.3, -87, -20, -1.2784645, -1e-30, 0, 1e-30, 5e-8, 87, 88.5, 100, 1000,
];

function run(kernel: string, values: number[]): Float32Array {
  return tf.tidy(() => (tf.engine().runKernel(kernel, { x: tf.tensor1d(values) }) as tf.Tensor).dataSync() as Float32Array);
}

// With @scorekit/native built (as in this repository) the kernels run natively; both paths are checked.
for (const path of ['WebAssembly', 'native'] as const) {
  const suite = path === 'WebAssembly' || nativeKernelsStatus().active ? describe : describe.skip;
  suite(`fused SiLU kernels (wasm backend, ${path} code)`, () => {
    beforeAll(async () => {
      await tf.setBackend('wasm');
      setNativeKernels(path === 'native');
    });
    afterAll(() => resetNativeKernels());

    it('SiLU within 4e-7 relative (plus 5e-37 absolute) of the float64 value', () => {
      const got = run(SILU, xs);
      xs.forEach((x, i) => {
        const want = exactSilu(x);
        // float32 result: rounding alone is 6e-8 relative; exp's polynomial 1.2e-7, and ~6 more roundings. Below
        // x = −88.3 σ is set to 0: |x·σ(x)| ≤ 88.3·e^{−88.3} ≈ 4e-37 there.
        if (!(Math.abs(got[i] - want) <= 4e-7 * Math.abs(want) + 5e-37)) throw new Error(`silu(${x}) = ${got[i]}, want ${want}`);
      });
    });

    it("SiLU' within 4e-7 of the float64 value (its values lie in [−0.1, 1.1])", () => {
      const got = run(SILU_DERIVATIVE, xs);
      xs.forEach((x, i) => {
        const want = exactDerivative(x);
        if (!(Math.abs(got[i] - want) <= 4e-7)) throw new Error(`silu'(${x}) = ${got[i]}, want ${want}`);
      });
    });

    it('keeps NaN and ±Infinity meaningful', () => {
      const got = run(SILU, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]);
      expect(Number.isNaN(got[0])).toBe(true);
      expect(got[1]).toBe(Number.POSITIVE_INFINITY);
      // −∞·σ(−∞) = −∞·0, NaN as in torch's and tfjs's x·sigmoid(x)
      expect(Number.isNaN(got[2])).toBe(true);
    });

    it('silu() runs the fused kernels forward and backward on wasm, and leaks nothing', async () => {
      const x = tf.randomNormal([5, 7]);
      const info = await tf.profile(() => tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(silu(v)))(x)));
      const names = info.kernels.map((k) => k.name);
      expect(names).toContain(SILU);
      expect(names).toContain(SILU_DERIVATIVE);
      expect(names).not.toContain('Sigmoid');
      await expectNoTensorLeak(() => tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(silu(v)))(x)));
      x.dispose();
    });
  });
}
