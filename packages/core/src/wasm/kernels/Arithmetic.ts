import * as tf from '@tensorflow/tfjs-core';
import { runOriginal } from '../internal/originalKernels.js';
import { runtimeFor } from '../internal/WasmRuntime.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

/**
 * How b [..] broadcasts against a of the output's shape: b repeats each of its `period`-element rows `repeat` times
 * (see @scorekit/native's `arithmetic`), or null when the broadcast is not of that form (then tfjs's kernel runs).
 * That form is b equal to the output except for one run of axes where it has size 1: a scalar, a per-channel
 * vector, a per-sample [n, 1, 1, c] against [n, h, w, c], or the same shape.
 */
export function broadcastRuns(out: readonly number[], b: readonly number[]): { period: number; repeat: number } | null {
  if (b.length > out.length) return null;
  const padded = [...new Array<number>(out.length - b.length).fill(1), ...b];
  let first = -1;
  let last = -1;
  for (let i = 0; i < out.length; i++) {
    if (padded[i] === out[i] || out[i] === 1) continue;
    if (padded[i] !== 1) return null;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0) return { period: tf.util.sizeFromShape(out as number[]), repeat: 1 };
  // the broadcast axes must form one run: any axis between first and last where b is not 1 breaks it
  for (let i = first; i <= last; i++) if (padded[i] !== 1 && out[i] !== 1) return null;
  return { period: tf.util.sizeFromShape(out.slice(last + 1) as number[]), repeat: tf.util.sizeFromShape(out.slice(first, last + 1) as number[]) };
}

const OPS = { [tf.Add]: 0, [tf.Sub]: 1, [tf.Multiply]: 2 } as const;

/**
 * `Add`, `Sub` and `Multiply` of float32 tensors on @scorekit/native's thread pool, for the broadcasts
 * {@link broadcastRuns} describes (with the broadcast operand on either side for + and ×, on the right for −):
 * tfjs-backend-wasm runs them on the main thread only. One float32 operation per element, as tfjs's kernel, so the
 * same bits. Without the native kernels, other dtypes or other broadcasts: tfjs-backend-wasm's kernel.
 */
function arithmeticConfig(kernelName: typeof tf.Add | typeof tf.Sub | typeof tf.Multiply): tf.KernelConfig {
  const op = OPS[kernelName];
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const rt = runtimeFor(args.backend);
      const native = rt.native();
      if (native?.arithmetic === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return runOriginal(kernelName, args);
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const count = tf.util.sizeFromShape(outShape);
      let [full, other] = [a, b];
      let runs = tf.util.arraysEqual(a.shape, outShape) ? broadcastRuns(outShape, b.shape) : null;
      if (runs === null && op !== 1 && tf.util.arraysEqual(b.shape, outShape)) {
        // + and × commute exactly in IEEE arithmetic, so the broadcast operand may come first
        [full, other] = [b, a];
        runs = broadcastRuns(outShape, a.shape);
      }
      if (runs === null || count === 0) return runOriginal(kernelName, args);
      const out = rt.backend.makeOutput(outShape, 'float32');
      native.arithmetic(rt.memory.buffer, op, rt.offset(full), rt.offset(other), rt.offset(out), count, runs.period, runs.repeat, blockJobThreads());
      return out;
    },
  };
}

export const addConfig = arithmeticConfig(tf.Add);
export const subConfig = arithmeticConfig(tf.Sub);
export const multiplyConfig = arithmeticConfig(tf.Multiply);
