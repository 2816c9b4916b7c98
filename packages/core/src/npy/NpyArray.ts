/** Element types of .npy arrays that can be read. All but float16 can also be written. */
export type NpyDtype =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float16'
  | 'float32'
  | 'float64';

/** Element types {@link writeNpy} writes. */
export type NpyWriteDtype = Exclude<NpyDtype, 'float16'>;

/** The typed arrays .npy data is read into. */
export type NpyTypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/**
 * An array read from a .npy file: its values in C (row-major) order, its shape, and its numpy dtype. The typed
 * array for each dtype: bool → Uint8Array of 0/1, int8 → Int8Array, uint8 → Uint8Array, int16 → Int16Array,
 * uint16 → Uint16Array, int32 → Int32Array, uint32 → Uint32Array, int64 → BigInt64Array, uint64 →
 * BigUint64Array, float16 → Float32Array (widened exactly), float32 → Float32Array, float64 → Float64Array.
 *
 * @example
 * const { data, shape, dtype } = readNpy(bytes); // data: Float32Array(6), shape: [2, 3], dtype: 'float32'
 */
export interface NpyArray {
  readonly data: NpyTypedArray;
  readonly shape: readonly number[];
  readonly dtype: NpyDtype;
}
