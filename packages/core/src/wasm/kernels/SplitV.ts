import * as tf from '@tensorflow/tfjs-core';
import { bytesPerElement } from '../internal/bytesPerElement.js';
import { runOriginal } from '../internal/originalKernels.js';
import { runtimeFor } from '../internal/WasmRuntime.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

/** `SplitV` (split, and the gradient of concat) as block copies, natively on the thread pool or in wasm, like {@link concatConfig}. */
export const splitVConfig: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    const b = bytesPerElement(x.dtype);
    if (b === 0) return runOriginal(tf.SplitV, args);
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
    const rt = runtimeFor(args.backend);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, $axis));
    const inner = tf.util.sizeFromShape(x.shape.slice($axis + 1)) * b;
    const xInner = x.shape[$axis] * inner;
    const outs = sizes.map((s) => {
      const shape = x.shape.slice();
      shape[$axis] = s;
      return rt.backend.makeOutput(shape, x.dtype);
    });
    let src = rt.offset(x);
    const native = rt.native();
    sizes.forEach((s, i) => {
      const bytes = s * inner;
      if (bytes > 0 && rows > 0 && native?.copyRows !== undefined) native.copyRows(rt.memory.buffer, src, xInner, rt.offset(outs[i]), bytes, rows, bytes, blockJobThreads());
      else if (bytes > 0 && rows > 0) rt.misc.copyRows(src, xInner, rt.offset(outs[i]), bytes, rows, bytes);
      src += bytes;
    });
    return outs;
  },
};
