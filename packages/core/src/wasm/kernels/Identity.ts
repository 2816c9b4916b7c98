import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../internal/WasmRuntime.js';

/**
 * `Identity` without a copy, as tfjs's cpu backend does it: the output shares the input's data (reference
 * counted). tfjs-backend-wasm copies; a training step calls it dozens of times (gradients of customGrad ops).
 */
export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    (backend as unknown as WasmBackendLike & { incRef(d: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};
