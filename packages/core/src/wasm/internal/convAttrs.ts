import type * as tf from '@tensorflow/tfjs-core';

export function requireFloat(t: tf.TensorInfo, what: string, kernel: string): void {
  if (t.dtype !== 'float32') throw new Error(`${kernel} on wasm: ${what} must be float32, got ${t.dtype}`);
}

export function requireNhwc(dataFormat: string | undefined, kernel: string): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} on wasm: dataFormat '${dataFormat}' is not supported; allowed: 'NHWC'`);
  }
}

export function requireRank4(t: tf.TensorInfo | readonly number[], what: string, kernel: string): void {
  const shape = Array.isArray(t) ? t : (t as tf.TensorInfo).shape;
  if (shape.length !== 4) throw new Error(`${kernel} on wasm: ${what} must have rank 4 (NHWC), got shape [${shape}]`);
}

export function zerosOutput(backend: { makeOutput(s: number[], d: tf.DataType): tf.TensorInfo }, shape: number[]): tf.TensorInfo {
  return backend.makeOutput(shape, 'float32');
}
