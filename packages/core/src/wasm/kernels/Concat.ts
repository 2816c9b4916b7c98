import * as tf from '@tensorflow/tfjs-core';
import { bytesPerElement } from '../internal/bytesPerElement.js';
import { runOriginal } from '../internal/originalKernels.js';
import { runtimeFor } from '../internal/WasmRuntime.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

/**
 * `Concat` with one block copy per (outer index, input), natively on the thread pool with @scorekit/native, else in wasm; tfjs-backend-wasm's creates a JS subarray
 * per block, which dominates when concatenating along channels (a U-Net skip: 50k blocks of 32 floats).
 */
export const concatConfig: tf.KernelConfig = {
  kernelName: tf.Concat,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const { axis } = args.attrs as unknown as tf.ConcatAttrs;
    if (inputs.length === 0) throw new Error('Concat on wasm: needs at least one tensor');
    const dtype = inputs[0].dtype;
    const b = bytesPerElement(dtype);
    if (b === 0 || inputs.some((t) => t.dtype !== dtype)) return runOriginal(tf.Concat, args);
    const $axis = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
    const shapes = inputs.map((t) => t.shape);
    tf.backend_util.assertParamsConsistent(shapes, $axis);
    const outShape = tf.backend_util.computeOutShape(shapes, $axis);
    const rt = runtimeFor(args.backend);
    const out = rt.backend.makeOutput(outShape, dtype);
    const rows = tf.util.sizeFromShape(outShape.slice(0, $axis));
    const outInner = tf.util.sizeFromShape(outShape.slice($axis)) * b;
    if (rows * outInner === 0) return out;
    let dst = rt.offset(out);
    const native = rt.native();
    for (const t of inputs) {
      const inner = tf.util.sizeFromShape(t.shape.slice($axis)) * b;
      if (inner > 0 && native?.copyRows !== undefined) native.copyRows(rt.memory.buffer, rt.offset(t), inner, dst, outInner, rows, inner, blockJobThreads());
      else if (inner > 0) rt.misc.copyRows(rt.offset(t), inner, dst, outInner, rows, inner);
      dst += inner;
    }
    return out;
  },
};
