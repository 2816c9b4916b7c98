import * as tf from '@tensorflow/tfjs-core';
import { runtimeFor } from './WasmRuntime.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

/**
 * Dropout's mask drawn by @scorekit/native straight into a new tensor on the wasm heap (on the thread pool),
 * advancing `state` (an Rng's xoshiro128** words) exactly as the JavaScript draws would; null where that path is not available (another
 * backend, native kernels off or too old), and the caller draws in JavaScript.
 */
export function nativeDropoutMask(state: Int32Array, shape: number[], count: number, rate: number, scale: number): tf.Tensor | null {
  if (count === 0 || tf.getBackend() !== 'wasm') return null;
  const rt = runtimeFor(tf.backend());
  const native = rt.native();
  if (native?.dropoutMask === undefined) return null;
  const info = rt.backend.makeOutput(shape, 'float32');
  // chunks of the one stream on the thread pool, each from its jumped-ahead start: the same bits on any thread count
  native.dropoutMask(rt.memory.buffer, rt.offset(info), count, rate, scale, state, blockJobThreads());
  return tf.engine().makeTensorFromTensorInfo(info);
}
