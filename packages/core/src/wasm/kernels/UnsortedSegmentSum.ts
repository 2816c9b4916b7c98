import * as tf from '@tensorflow/tfjs-core';
import { runtimeFor } from '../internal/WasmRuntime.js';

/**
 * `UnsortedSegmentSum` (the gradient of gather, so of embedding lookups), which tfjs-backend-wasm lacks:
 * out[segmentIds[i], …] += x[i, …], ids outside [0, numSegments) dropped as tfjs's cpu backend does.
 */
export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const kernel = 'UnsortedSegmentSum';
    if (x.dtype !== 'float32' && x.dtype !== 'int32') {
      throw new Error(`${kernel} on wasm: x must be float32 or int32, got ${x.dtype}`);
    }
    if (segmentIds.dtype !== 'int32') throw new Error(`${kernel} on wasm: segmentIds must be int32, got ${segmentIds.dtype}`);
    if (!Number.isInteger(numSegments) || numSegments < 0) {
      throw new Error(`${kernel} on wasm: numSegments must be a non-negative integer, got ${numSegments}`);
    }
    const idsRank = segmentIds.shape.length;
    if (idsRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
      throw new Error(`${kernel} on wasm: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`);
    }
    const count = tf.util.sizeFromShape(segmentIds.shape);
    const inner = x.shape.slice(idsRank);
    const cols = tf.util.sizeFromShape(inner);
    const rt = runtimeFor(backend);
    const out = rt.backend.makeOutput([numSegments, ...inner], x.dtype);
    const o = rt.offset(out);
    if (x.dtype === 'float32') {
      rt.f32.fill(0, o >>> 2, (o >>> 2) + numSegments * cols);
      rt.misc.scatterAdd(rt.offset(x), rt.offset(segmentIds), count, numSegments, cols, o);
    } else {
      const h = rt.backend.wasm.HEAP32;
      const xs = rt.offset(x) >>> 2;
      const ids = rt.offset(segmentIds) >>> 2;
      h.fill(0, o >>> 2, (o >>> 2) + numSegments * cols);
      for (let i = 0; i < count; i++) {
        const s = h[ids + i];
        if (s < 0 || s >= numSegments) continue;
        for (let c = 0; c < cols; c++) h[(o >>> 2) + s * cols + c] += h[xs + i * cols + c];
      }
    }
    return out;
  },
};
