import * as tf from '@tensorflow/tfjs-core';
import { decodeTensorFile } from './internal/tensorFile.js';
import type { JsonObject } from './JsonValue.js';
import { TensorFileError } from './TensorFileError.js';

/** Tensors read from a tensor file, and its metadata. The caller owns (and disposes) the tensors. */
export interface DecodedTensors {
  readonly tensors: tf.NamedTensorMap;
  /** The metadata given to `saveTensors`; for a file from elsewhere, its `__metadata__` strings. */
  readonly metadata: JsonObject;
}

/** Options of {@link decodeTensors} (and `loadTensors`). */
export interface DecodeTensorsOptions {
  /**
   * Accept safetensors files that carry no scorekit checksum (written by Python's safetensors, say). Off by default,
   * so that a checkpoint whose checksum entry was itself damaged is not silently accepted.
   */
  readonly allowUnverified?: boolean;
  /** What the bytes are, for error messages (a URL, a file name); default `'<bytes>'`. */
  readonly source?: string;
}

/**
 * Reads the bytes of a tensor file (`saveTensors`' safetensors with scorekit's CRC-32) into tensors on the current
 * backend, with the checks `loadTensors` makes — structure, checksum, dtypes — and no Node module: this is how a
 * browser reads a checkpoint it fetched. A damaged or foreign file throws a {@link TensorFileError} naming `source`.
 *
 * @example
 * const bytes = new Uint8Array(await (await fetch('/files/run/checkpoints/step-000000400/ema.safetensors')).arrayBuffer());
 * const { tensors } = decodeTensors(bytes, { source: 'ema.safetensors' });
 */
export function decodeTensors(bytes: Uint8Array | ArrayBuffer, options: DecodeTensorsOptions = {}): DecodedTensors {
  const source = options.source ?? '<bytes>';
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fail = (problem: string): never => {
    throw new TensorFileError(source, problem);
  };
  const { entries, metadata } = decodeTensorFile(view, options.allowUnverified ?? false, fail);
  const tensors: tf.NamedTensorMap = {};
  for (const e of entries) tensors[e.name] = tf.tensor(e.values, [...e.shape], e.dtype);
  return { tensors, metadata };
}
