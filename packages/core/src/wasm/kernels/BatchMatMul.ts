import * as tf from '@tensorflow/tfjs-core';
import { runtimeFor } from '../internal/WasmRuntime.js';
import { batchedMatMul, type MatMulAttrs } from '../internal/batchedMatMul.js';

/**
 * `BatchMatMul` for the wasm backend with every transpose at full speed: tfjs-backend-wasm's own kernel leaves
 * XNNPACK as soon as `transposeA` or `transposeB` is set (0.4–1.6 GFLOP/s measured on 1024³), and tfjs's MatMul
 * gradient always sets one of them. Transposes become strides of the packing step of our GEMM.
 */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    return batchedMatMul(runtimeFor(backend), a, b, null, attrs as unknown as MatMulAttrs, 'BatchMatMul');
  },
};
