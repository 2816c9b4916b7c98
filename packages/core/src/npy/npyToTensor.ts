import * as tf from '@tensorflow/tfjs-core';
import type { NpyArray } from './NpyArray.js';
import { readNpy } from './readNpy.js';

/** The tfjs dtypes {@link npyToTensor} produces. */
export type NpyTensorDtype = 'float32' | 'int32' | 'bool';

/**
 * Makes a tensor from a .npy array (or the bytes of a .npy file). By default floats become float32 (float64 is
 * rounded to float32, tfjs having no float64), bool stays bool, and integers become int32 — exactly for int8/16/32
 * and uint8/16, and for uint32/int64/uint64 only if every value fits in int32, else it throws. `dtype` asks for
 * another tfjs dtype: 'float32' from integers (e.g. uint8 images), 'int32' from floats holding integers, 'bool' from
 * 0/1 values; values that do not fit throw.
 *
 * @example
 * const x = npyToTensor(await loadNpy('samples.npy'));                   // float32
 * const images = npyToTensor(readNpy(bytes), 'float32').div(127.5).sub(1);
 */
export function npyToTensor(input: NpyArray | Uint8Array | ArrayBuffer, dtype?: NpyTensorDtype): tf.Tensor {
  const npy = input instanceof Uint8Array || input instanceof ArrayBuffer ? readNpy(input) : input;
  const { data, shape } = npy;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new TypeError(`npyToTensor: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data?.length !== count) throw new RangeError(`npyToTensor: shape [${shape.join(', ')}] holds ${count} elements but data has ${data?.length}`);
  const isFloat = npy.dtype === 'float16' || npy.dtype === 'float32' || npy.dtype === 'float64';
  const target: NpyTensorDtype = dtype ?? (isFloat ? 'float32' : npy.dtype === 'bool' ? 'bool' : 'int32');
  if (target !== 'float32' && target !== 'int32' && target !== 'bool') {
    throw new TypeError(`npyToTensor: dtype '${String(target)}' is not allowed; allowed: float32, int32, bool`);
  }
  const s = [...shape];
  if (target === 'float32') {
    return tf.tensor(data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number | bigint>, Number), s, 'float32');
  }
  const bad = (i: number, what: string): never => {
    throw new RangeError(`npyToTensor: element ${i} (${String(data[i])}) of the ${npy.dtype} array ${what}`);
  };
  if (target === 'bool') {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const v = Number(data[i]);
      if (v !== 0 && v !== 1) bad(i, 'is not 0 or 1, so it cannot be a bool');
      out[i] = v;
    }
    return tf.tensor(out, s, 'bool');
  }
  if (data instanceof Int32Array) return tf.tensor(data, s, 'int32');
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = Number(data[i]);
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) bad(i, 'does not fit in int32 (tfjs has no int64)');
    out[i] = v;
  }
  return tf.tensor(out, s, 'int32');
}
