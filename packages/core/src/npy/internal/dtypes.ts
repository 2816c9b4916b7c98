import type { NpyDtype, NpyTypedArray } from '../NpyArray.js';
import { float16ToFloat32 } from '../../io/internal/float16.js';

export interface DtypeInfo {
  readonly dtype: NpyDtype;
  /** numpy's kind character and item size, as in the descr '<f4'. */
  readonly kind: 'b' | 'i' | 'u' | 'f';
  readonly size: number;
  /** Wraps host-order bytes in the typed array this dtype reads into. */
  readonly wrap: (buffer: ArrayBuffer) => NpyTypedArray;
}

const TABLE: readonly DtypeInfo[] = [
  { dtype: 'bool', kind: 'b', size: 1, wrap: (b) => Uint8Array.from(new Uint8Array(b), (v) => (v !== 0 ? 1 : 0)) },
  { dtype: 'int8', kind: 'i', size: 1, wrap: (b) => new Int8Array(b) },
  { dtype: 'uint8', kind: 'u', size: 1, wrap: (b) => new Uint8Array(b) },
  { dtype: 'int16', kind: 'i', size: 2, wrap: (b) => new Int16Array(b) },
  { dtype: 'uint16', kind: 'u', size: 2, wrap: (b) => new Uint16Array(b) },
  { dtype: 'int32', kind: 'i', size: 4, wrap: (b) => new Int32Array(b) },
  { dtype: 'uint32', kind: 'u', size: 4, wrap: (b) => new Uint32Array(b) },
  { dtype: 'int64', kind: 'i', size: 8, wrap: (b) => new BigInt64Array(b) },
  { dtype: 'uint64', kind: 'u', size: 8, wrap: (b) => new BigUint64Array(b) },
  { dtype: 'float16', kind: 'f', size: 2, wrap: (b) => float16ToFloat32(new Uint16Array(b)) },
  { dtype: 'float32', kind: 'f', size: 4, wrap: (b) => new Float32Array(b) },
  { dtype: 'float64', kind: 'f', size: 8, wrap: (b) => new Float64Array(b) },
];

export const DTYPE_BY_NAME = new Map(TABLE.map((d) => [d.dtype, d]));
export const DTYPE_BY_CODE = new Map(TABLE.map((d) => [`${d.kind}${d.size}`, d]));
export const SUPPORTED_DESCRS = TABLE.map((d) => `${d.size === 1 ? '|' : '<'}${d.kind}${d.size} (${d.dtype})`).join(', ');

/** The descr numpy writes for a dtype: '|' for single bytes, little-endian '<' otherwise. */
export function descrOf(info: DtypeInfo): string {
  return `${info.size === 1 ? '|' : '<'}${info.kind}${info.size}`;
}

const KIND_NAMES: Record<string, string> = {
  c: 'complex numbers have no JS typed array',
  U: 'unicode strings are not numeric arrays',
  S: 'byte strings are not numeric arrays',
  a: 'byte strings are not numeric arrays',
  O: 'object arrays hold pickled Python objects, which are never loaded',
  V: 'structured or void dtypes are not supported',
  M: 'datetime64 is not supported',
  m: 'timedelta64 is not supported',
};

/** Explains why a descr's kind is refused, when it is one numpy uses for non-numeric data. */
export function whyUnsupported(kind: string): string | undefined {
  return KIND_NAMES[kind];
}
