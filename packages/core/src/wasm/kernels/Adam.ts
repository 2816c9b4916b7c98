import * as tf from '@tensorflow/tfjs-core';
import { runtimeFor } from '../internal/WasmRuntime.js';

/** Kernel name of one fused Adam step (scorekit's own; used by `adam()`'s optimizer on wasm). */
export const ADAM = 'ScorekitAdam';

/** The step's scalars, as numbers (rounded to float32 as tfjs's scalar tensors are). */
export interface AdamAttrs {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly learningRate: number;
  readonly oneMinusAccBeta1: number;
  readonly oneMinusAccBeta2: number;
}

/**
 * New (value, m, v) for one variable from (value, gradient, m, v) in one pass: tfjs's AdamOptimizer does the same
 * arithmetic as ~15 kernels per variable. Each float32 operation is tfjs's, in its order and without fused
 * multiply-adds, so the results are the same bits.
 */
export const adamConfig: tf.KernelConfig = {
  kernelName: ADAM,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { value, gradient, m, v } = inputs as Record<'value' | 'gradient' | 'm' | 'v', tf.TensorInfo>;
    const size = tf.util.sizeFromShape(value.shape);
    for (const [name, t] of Object.entries({ gradient, m, v })) {
      if (t.dtype !== 'float32' || tf.util.sizeFromShape(t.shape) !== size) {
        throw new Error(`${ADAM}: ${name} must be float32 with ${size} values like the variable, got ${t.dtype} [${t.shape}]`);
      }
    }
    const a = attrs as unknown as AdamAttrs;
    const rt = runtimeFor(backend);
    const outs = [value, m, v].map((t) => rt.backend.makeOutput(t.shape, 'float32'));
    const [w, g, m0, v0, w2, m2, v2] = [value, gradient, m, v, ...outs].map((t) => rt.offset(t));
    const native = rt.native();
    if (native !== null) {
      native.adam(rt.memory.buffer, w, g, m0, v0, w2, m2, v2, size, a.beta1, a.beta2, a.epsilon, a.learningRate, a.oneMinusAccBeta1, a.oneMinusAccBeta2);
      return outs;
    }
    const f = rt.f32;
    const r = Math.fround;
    const [b1, omb1, b2, omb2] = [r(a.beta1), r(1 - a.beta1), r(a.beta2), r(1 - a.beta2)];
    const [c1, c2, eps, negLr] = [r(a.oneMinusAccBeta1), r(a.oneMinusAccBeta2), r(a.epsilon), r(-a.learningRate)];
    for (let i = 0; i < size; i++) {
      const gi = f[(g >>> 2) + i];
      const mi = r(r(f[(m0 >>> 2) + i] * b1) + r(gi * omb1));
      const vi = r(r(f[(v0 >>> 2) + i] * b2) + r(r(gi * gi) * omb2));
      const step = r(r(mi / c1) / r(r(Math.sqrt(r(vi / c2))) + eps));
      f[(w2 >>> 2) + i] = r(r(step * negLr) + f[(w >>> 2) + i]);
      f[(m2 >>> 2) + i] = mi;
      f[(v2 >>> 2) + i] = vi;
    }
    return outs;
  },
};
