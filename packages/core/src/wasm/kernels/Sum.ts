import * as tf from '@tensorflow/tfjs-core';
import { runOriginal } from '../internal/originalKernels.js';
import { runtimeFor } from '../internal/WasmRuntime.js';

/**
 * `Sum` over leading axes (bias gradients: sum over batch and pixels) as one streaming pass of column sums;
 * tfjs-backend-wasm transposes the reduced axes to the end first. Other reductions go to its own kernel.
 */
export const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    if (x.dtype !== 'float32' || x.shape.length === 0) return runOriginal(tf.Sum, args);
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.every((a, i) => a === i) && axes.length < x.shape.length;
    if (!leading) return runOriginal(tf.Sum, args);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    const cols = tf.util.sizeFromShape(x.shape.slice(axes.length));
    const outShape = keepDims === true ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    const rt = runtimeFor(args.backend);
    const out = rt.backend.makeOutput(outShape, 'float32');
    if (cols > 0) rt.misc.colSum(rt.offset(x), rows, cols, rt.offset(out));
    return out;
  },
};
