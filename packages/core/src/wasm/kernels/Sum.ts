import * as tf from '@tensorflow/tfjs-core';
import { runOriginal } from '../internal/originalKernels.js';
import { runtimeFor } from '../internal/WasmRuntime.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

/**
 * `Sum` over one run of consecutive axes that leaves at least one axis: over leading axes (bias gradients: sum
 * over batch and pixels) and, with @scorekit/native, over middle ones (a per-sample [n, 1, 1, c] bias's gradient:
 * sum over pixels). tfjs-backend-wasm transposes the reduced axes to the end first and runs on one thread. Natively
 * the work is split over the thread pool in fixed blocks (results independent of the thread count); without it,
 * leading axes are one streaming pass of column sums in WebAssembly. Other reductions go to tfjs's own kernel.
 */
export const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    if (x.dtype !== 'float32' || x.shape.length === 0) return runOriginal(tf.Sum, args);
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const first = axes[0];
    const consecutive = axes.length > 0 && axes.every((a, i) => a === first + i) && axes.length < x.shape.length;
    if (!consecutive) return runOriginal(tf.Sum, args);
    const rt = runtimeFor(args.backend);
    const native = rt.native();
    if (first > 0 && native?.sumMiddle === undefined) return runOriginal(tf.Sum, args);
    const end = first + axes.length;
    const outer = tf.util.sizeFromShape(x.shape.slice(0, first));
    const middle = tf.util.sizeFromShape(x.shape.slice(first, end));
    const inner = tf.util.sizeFromShape(x.shape.slice(end));
    const outShape = keepDims === true ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const out = rt.backend.makeOutput(outShape, 'float32');
    if (outer * inner === 0) return out;
    if (native?.sumMiddle !== undefined) {
      native.sumMiddle(rt.memory.buffer, rt.offset(x), rt.offset(out), outer, middle, inner, blockJobThreads());
    } else {
      rt.misc.colSum(rt.offset(x), middle, inner, rt.offset(out));
    }
    return out;
  },
};
