import * as tf from '@tensorflow/tfjs-core';
import * as zlib from 'node:zlib';
import { encodeTensorFile } from './internal/tensorFile.js';
import type { TensorEntry, TensorFileDtype } from './internal/tensorFile.js';
import type { JsonObject } from './JsonValue.js';
import { writeFileAtomic } from './writeFileAtomic.js';

/** JSON metadata stored beside the tensors: finite numbers, strings, booleans, null, arrays and plain objects. */
export type TensorFileMetadata = JsonObject;

const ALLOWED: readonly TensorFileDtype[] = ['float32', 'int32', 'bool'];

/**
 * Saves named tensors and JSON metadata to one file, atomically (see {@link writeFileAtomic}), for checkpoints.
 * The file is safetensors (an 8-byte header length, a JSON header, raw little-endian C-order data), so
 * Python reads it with `safetensors.numpy.load_file`; scorekit adds a CRC-32 that {@link loadTensors} checks.
 * Dtypes: float32, int32, bool. The tensors are read, not disposed. The directory must exist.
 *
 * @example
 * await saveTensors('ckpt/step-1000.safetensors', { 'dense/kernel': w, 'dense/bias': b }, { step: 1000 });
 * const { tensors, metadata } = await loadTensors('ckpt/step-1000.safetensors'); // metadata.step === 1000
 */
export async function saveTensors(path: string, tensors: tf.NamedTensorMap, metadata: TensorFileMetadata = {}): Promise<void> {
  const where = `saveTensors(${JSON.stringify(path)})`;
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new TypeError(`${where}: tensors must be an object mapping names to tensors`);
  }
  checkJson(metadata, 'metadata', where, true);
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (name === '' || name === '__metadata__') {
      throw new TypeError(`${where}: '${name}' cannot be a tensor name (it must be non-empty and not '__metadata__')`);
    }
    if (!(t instanceof tf.Tensor)) throw new TypeError(`${where}: '${name}' is not a tf.Tensor`);
    if (t.isDisposed) throw new TypeError(`${where}: tensor '${name}' is disposed`);
    if (!ALLOWED.includes(t.dtype as TensorFileDtype)) {
      throw new TypeError(`${where}: tensor '${name}' has dtype ${t.dtype}; allowed: ${ALLOWED.join(', ')}`);
    }
  }
  const values = await Promise.all(names.map((name) => tensors[name].data()));
  const entries: TensorEntry[] = names.map((name, i) => ({
    name,
    dtype: tensors[name].dtype as TensorFileDtype,
    shape: tensors[name].shape,
    values: asDtypeArray(values[i]!, tensors[name].dtype) as TensorEntry['values'],
  }));
  await writeFileAtomic(path, encodeTensorFile(entries, metadata, zlib.crc32));
}

// tfjs's cpu backend casts bool → float32 without converting the storage (no precision is lost), so such a
// tensor's data() is a Uint8Array: one byte per value, which would be written as a quarter of the float32 bytes.
function asDtypeArray(values: ArrayLike<number> | unknown, dtype: string): unknown {
  if (dtype === 'float32' && !(values instanceof Float32Array)) return Float32Array.from(values as ArrayLike<number>);
  if (dtype === 'int32' && !(values instanceof Int32Array)) return Int32Array.from(values as ArrayLike<number>);
  return values;
}

function checkJson(value: unknown, at: string, where: string, top = false): void {
  const bad = (what: string): never => {
    throw new TypeError(
      `${where}: ${at} ${what}; metadata must be JSON: finite numbers, strings, booleans, null, arrays and plain objects`,
    );
  };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) bad(`is ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    if (top) bad('is an array, not an object');
    value.forEach((v, i) => checkJson(v, `${at}[${i}]`, where));
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) bad(`is a ${proto?.constructor?.name ?? 'non-plain object'}`);
    for (const [k, v] of Object.entries(value)) checkJson(v, `${at}.${k}`, where);
    return;
  }
  bad(`is a ${typeof value}`);
}
