import * as tf from '@tensorflow/tfjs-core';
import { runtimeFor } from './WasmRuntime.js';

/**
 * Dropout's mask drawn by @scorekit/native straight into a new tensor on the wasm heap, advancing `state` (an Rng's
 * xoshiro128** words) exactly as the JavaScript draws would; null where that path is not available (another
 * backend, native kernels off or too old), and the caller draws in JavaScript.
 */
export function nativeDropoutMask(state: Int32Array, shape: number[], count: number, rate: number, scale: number): tf.Tensor | null {
  if (count === 0 || tf.getBackend() !== 'wasm') return null;
  const rt = runtimeFor(tf.backend());
  const native = rt.native();
  if (native?.dropoutMask === undefined) return null;
  const info = rt.backend.makeOutput(shape, 'float32');
  native.dropoutMask(rt.memory.buffer, rt.offset(info), count, rate, scale, state);
  return tf.engine().makeTensorFromTensorInfo(info);
}
