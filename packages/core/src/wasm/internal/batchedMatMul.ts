import type * as tf from '@tensorflow/tfjs-core';
import { gemm } from './gemm.js';
import type { WasmRuntime } from './WasmRuntime.js';

export interface MatMulAttrs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

function checkFloat(t: tf.TensorInfo, what: string, kernel: string): void {
  if (t.dtype !== 'float32') {
    throw new Error(`${kernel} on wasm: ${what} must be float32, got ${t.dtype}`);
  }
}

/**
 * out[..., M, N] = op(a)[..., M, K] · op(b)[..., K, N] (+ bias[N]) with broadcast batch dimensions, as tfjs's
 * `matMul` defines it.
 */
export function batchedMatMul(
  rt: WasmRuntime,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  bias: tf.TensorInfo | null,
  attrs: MatMulAttrs,
  kernel: string,
): tf.TensorInfo {
  checkFloat(a, 'a', kernel);
  checkFloat(b, 'b', kernel);
  const ta = attrs.transposeA === true;
  const tb = attrs.transposeB === true;
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) {
    throw new Error(`${kernel} on wasm: a and b must have rank ≥ 2, got shapes [${a.shape}] and [${b.shape}]`);
  }
  const M = ta ? a.shape[ra - 1] : a.shape[ra - 2];
  const Ka = ta ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = tb ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = tb ? b.shape[rb - 2] : b.shape[rb - 1];
  if (Ka !== Kb) {
    throw new Error(
      `${kernel} on wasm: inner dimensions must match, got ${Ka} and ${Kb} for shapes [${a.shape}] and ` +
        `[${b.shape}] with transposeA=${ta}, transposeB=${tb}`,
    );
  }
  const K = Ka;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShape(batchA, batchB, a.shape, b.shape, kernel);
  const outShape = [...batch, M, N];
  let biasPtr = 0;
  if (bias !== null) {
    checkFloat(bias, 'bias', kernel);
    const size = bias.shape.reduce((x, y) => x * y, 1);
    if (size !== N || (bias.shape.length > 0 && bias.shape[bias.shape.length - 1] !== N)) {
      throw new Error(`${kernel} on wasm: bias must hold ${N} values along the last axis, got shape [${bias.shape}]`);
    }
  }
  const out = rt.backend.makeOutput(outShape, 'float32');
  if (bias !== null) biasPtr = rt.offset(bias);
  const aPtr = rt.offset(a);
  const bPtr = rt.offset(b);
  const cPtr = rt.offset(out);
  const aView = ta ? { rs: 4, cs: M * 4 } : { rs: K * 4, cs: 4 };
  const bView = tb ? { rs: 4, cs: K * 4 } : { rs: N * 4, cs: 4 };
  const nBatch = batch.reduce((x, y) => x * y, 1);
  const aIndex = batchIndexer(batchA, batch);
  const bIndex = batchIndexer(batchB, batch);
  for (let i = 0; i < nBatch; i++) {
    gemm(
      rt,
      M,
      N,
      K,
      { ptr: aPtr + aIndex(i) * M * K * 4, ...aView },
      { ptr: bPtr + bIndex(i) * K * N * 4, ...bView },
      cPtr + i * M * N * 4,
      N * 4,
      biasPtr,
    );
  }
  return out;
}

function broadcastShape(x: number[], y: number[], sa: number[], sb: number[], kernel: string): number[] {
  const n = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const dx = x[x.length - n + i] ?? 1;
    const dy = y[y.length - n + i] ?? 1;
    if (dx !== dy && dx !== 1 && dy !== 1) {
      throw new Error(`${kernel} on wasm: batch dimensions of [${sa}] and [${sb}] cannot be broadcast together`);
    }
    out.push(Math.max(dx, dy));
  }
  return out;
}

/** Maps a flat index over the broadcast batch shape to the flat batch index of one operand. */
function batchIndexer(own: number[], batch: number[]): (i: number) => number {
  const size = own.reduce((x, y) => x * y, 1);
  if (size === 1) return () => 0;
  const n = batch.length;
  const padded = [...new Array<number>(n - own.length).fill(1), ...own];
  return (flat) => {
    let index = 0;
    let stride = 1;
    let rest = flat;
    const digits: number[] = new Array<number>(n);
    for (let d = n - 1; d >= 0; d--) {
      digits[d] = rest % batch[d];
      rest = Math.floor(rest / batch[d]);
    }
    for (let d = n - 1; d >= 0; d--) {
      if (padded[d] !== 1) index += digits[d] * stride;
      stride *= padded[d];
    }
    return index;
  };
}
