import type * as tf from '@tensorflow/tfjs-core';
import { runtimeFor } from '../internal/WasmRuntime.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

/** Kernel names of nearest-neighbour ×2 upsampling and its adjoint, the 2 × 2 block sum (scorekit's own). */
export const UPSAMPLE_2X = 'ScorekitUpsample2x';
export const SUM_POOL_2X = 'ScorekitSumPool2x';

function checkFloat4(kernel: string, t: tf.TensorInfo, even: boolean): number[] {
  if (t.dtype !== 'float32' || t.shape.length !== 4 || (even && (t.shape[1] % 2 !== 0 || t.shape[2] % 2 !== 0))) {
    throw new Error(`${kernel}: the input must be a float32 NHWC tensor${even ? ' of even height and width' : ''}, got ${t.dtype} [${t.shape}]`);
  }
  return t.shape;
}

/**
 * x [n, h, w, c] → [n, 2h, 2w, c], each pixel copied into its 2 × 2 block, on @scorekit/native's thread pool (the
 * op uses these kernels only where the native kernels are there).
 */
export const upsample2xConfig: tf.KernelConfig = {
  kernelName: UPSAMPLE_2X,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const [n, h, w, c] = checkFloat4(UPSAMPLE_2X, x, false);
    const rt = runtimeFor(backend);
    const native = rt.native();
    if (native?.upsample2x === undefined) throw new Error(`${UPSAMPLE_2X} needs @scorekit/native's upsample2x`);
    const out = rt.backend.makeOutput([n, 2 * h, 2 * w, c], 'float32');
    if (n * h * w * c > 0) native.upsample2x(rt.memory.buffer, rt.offset(x), rt.offset(out), n, h, w, c, blockJobThreads());
    return out;
  },
};

/**
 * dy [n, 2h, 2w, c] → [n, h, w, c], each 2 × 2 block summed ((top-left + top-right) + bottom-left) + bottom-right:
 * the adjoint of {@link upsample2xConfig}, in the order tfjs sums the broadcast's gradient.
 */
export const sumPool2xConfig: tf.KernelConfig = {
  kernelName: SUM_POOL_2X,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { dy } = inputs as { dy: tf.TensorInfo };
    const [n, h2, w2, c] = checkFloat4(SUM_POOL_2X, dy, true);
    const rt = runtimeFor(backend);
    const native = rt.native();
    if (native?.sumPool2x === undefined) throw new Error(`${SUM_POOL_2X} needs @scorekit/native's sumPool2x`);
    const [h, w] = [h2 / 2, w2 / 2];
    const out = rt.backend.makeOutput([n, h, w, c], 'float32');
    if (n * h * w * c > 0) native.sumPool2x(rt.memory.buffer, rt.offset(dy), rt.offset(out), n, h, w, c, blockJobThreads());
    return out;
  },
};
