import { littleEndianBytes } from '../io/internal/byteOrder.js';
import type { NpyTypedArray, NpyWriteDtype } from './NpyArray.js';
import { DTYPE_BY_NAME, descrOf } from './internal/dtypes.js';
import { formatHeader } from './internal/header.js';

/** Values {@link writeNpy} accepts: a typed array, or a plain array of numbers, booleans or bigints. */
export type NpyInput = NpyTypedArray | Uint8ClampedArray | readonly number[] | readonly boolean[] | readonly bigint[];

const WRITABLE: readonly NpyWriteDtype[] = [
  'bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64',
];

const INT_RANGE: Partial<Record<NpyWriteDtype, readonly [bigint, bigint]>> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  uint8: [0n, 2n ** 8n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  uint16: [0n, 2n ** 16n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

const ARRAY_FOR: Record<NpyWriteDtype, new (n: number) => NpyTypedArray> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

/**
 * Encodes an array as a .npy file, byte for byte as `numpy.save` writes it (version 1.0 header, C order,
 * little-endian). `dtype` defaults to the typed array's own (Float32Array → float32, Int32Array → int32, …; a plain
 * number array → float64, as numpy does); when given, values are converted, and a value the dtype cannot hold
 * exactly (300 as uint8, 1.5 as int32, 2 as bool) throws. `data.length` must equal the product of `shape`; shape
 * `[]` is a 0-d array of one element.
 *
 * @example
 * const bytes = writeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * const labels = writeNpy([3, 1, 4], [3], 'int64');
 */
export function writeNpy(data: NpyInput, shape: readonly number[], dtype?: NpyWriteDtype): Uint8Array {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new TypeError(`writeNpy: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (shape.length > 64) throw new RangeError(`writeNpy: shape has ${shape.length} dimensions; at most 64 are allowed`);
  if (!(ArrayBuffer.isView(data) && !(data instanceof DataView)) && !Array.isArray(data)) {
    throw new TypeError('writeNpy: data must be a typed array or an array of numbers, booleans or bigints');
  }
  const target = dtype ?? naturalDtype(data);
  if (!WRITABLE.includes(target)) {
    throw new TypeError(`writeNpy: dtype '${String(target)}' cannot be written; allowed: ${WRITABLE.join(', ')}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new RangeError(`writeNpy: shape [${shape.join(', ')}] holds ${count} elements but data has ${data.length}`);
  }
  const body = littleEndianBytes(convert(data, target));
  const header = new TextEncoder().encode(formatHeader(descrOf(DTYPE_BY_NAME.get(target)!), shape));
  // numpy lib/format.py _wrap_header: magic, version, header length, header, spaces and '\n' up to a multiple of
  // 64 bytes; version 1.0 (2-byte length) unless the header needs more, then 2.0 (4-byte length).
  const hlen = header.length + 1;
  let lengthBytes = 2;
  let pad = 64 - ((8 + lengthBytes + hlen) % 64);
  if (hlen + pad > 0xffff) {
    lengthBytes = 4;
    pad = 64 - ((8 + lengthBytes + hlen) % 64);
  }
  const preamble = 8 + lengthBytes;
  const out = new Uint8Array(preamble + hlen + pad + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, lengthBytes === 2 ? 1 : 2, 0]);
  const view = new DataView(out.buffer);
  if (lengthBytes === 2) view.setUint16(8, hlen + pad, true);
  else view.setUint32(8, hlen + pad, true);
  out.set(header, preamble);
  out.fill(0x20, preamble + header.length, preamble + header.length + pad);
  out[preamble + header.length + pad] = 0x0a;
  out.set(body, preamble + hlen + pad);
  return out;
}

function naturalDtype(data: NpyInput): NpyWriteDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof BigUint64Array) return 'uint64';
  if (data.length > 0 && typeof data[0] === 'boolean') return 'bool';
  if (data.length > 0 && typeof data[0] === 'bigint') return 'int64';
  return 'float64';
}

function convert(data: NpyInput, target: NpyWriteDtype): NpyTypedArray {
  const Ctor = ARRAY_FOR[target];
  if (target !== 'bool' && data instanceof Ctor && !(data instanceof Uint8ClampedArray)) return data as NpyTypedArray;
  const out = new Ctor(data.length) as unknown as { [i: number]: number | bigint };
  const range = INT_RANGE[target];
  const bad = (i: number, v: unknown, what: string): never => {
    throw new RangeError(`writeNpy: element ${i} is ${String(v)}, which is not ${what}`);
  };
  if (target === 'bool') {
    for (let i = 0; i < data.length; i++) {
      const v: unknown = data[i];
      if (v === true || v === 1 || v === 1n) out[i] = 1;
      else if (v === false || v === 0 || v === 0n) out[i] = 0;
      else bad(i, v, 'a bool (0, 1, true or false)');
    }
  } else if (range == null) {
    // float32 / float64: any number; bigints and booleans by value.
    for (let i = 0; i < data.length; i++) {
      const v: unknown = data[i];
      if (typeof v === 'number') out[i] = v;
      else if (typeof v === 'bigint' || typeof v === 'boolean') out[i] = Number(v);
      else bad(i, v, `a number for ${target}`);
    }
  } else if (target === 'int64' || target === 'uint64') {
    for (let i = 0; i < data.length; i++) {
      const v: unknown = data[i];
      let x: bigint;
      if (typeof v === 'bigint') x = v;
      else if (typeof v === 'boolean') x = v ? 1n : 0n;
      else if (typeof v === 'number' && Number.isSafeInteger(v)) x = BigInt(v);
      else return bad(i, v, `an exact integer for ${target}`);
      if (x < range[0] || x > range[1]) bad(i, v, `in the ${target} range ${range[0]}…${range[1]}`);
      out[i] = x;
    }
  } else {
    const lo = Number(range[0]);
    const hi = Number(range[1]);
    for (let i = 0; i < data.length; i++) {
      const v: unknown = data[i];
      const x = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? Number(v) : Number.NaN;
      if (!Number.isInteger(x) || (typeof v === 'bigint' && BigInt(x) !== v)) bad(i, v, `an exact integer for ${target}`);
      if (x < lo || x > hi) bad(i, v, `in the ${target} range ${lo}…${hi}`);
      out[i] = x;
    }
  }
  return out as unknown as NpyTypedArray;
}
