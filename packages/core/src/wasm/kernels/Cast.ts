import * as tf from '@tensorflow/tfjs-core';
import { runOriginal } from '../internal/originalKernels.js';
import type { WasmBackendLike } from '../internal/WasmRuntime.js';

/** `Cast` that shares the data when the dtype does not change (tfjs-backend-wasm copies); others as before. */
export const castConfig: tf.KernelConfig = {
  kernelName: tf.Cast,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    if (dtype !== x.dtype) return runOriginal(tf.Cast, args);
    (args.backend as unknown as WasmBackendLike & { incRef(d: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};
