import type * as tf from '@tensorflow/tfjs-core';

/** Bytes per element of a dtype as tfjs-backend-wasm stores it (bool as one byte); 0 for strings. */
export function bytesPerElement(dtype: tf.DataType): number {
  if (dtype === 'float32' || dtype === 'int32') return 4;
  if (dtype === 'bool') return 1;
  return 0;
}
