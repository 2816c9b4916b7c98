import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { decodeTensorFile } from './internal/tensorFile.js';
import type { TensorFileMetadata } from './saveTensors.js';
import { TensorFileError } from './TensorFileError.js';

/** What {@link loadTensors} returns. The caller owns (and disposes) the tensors. */
export interface LoadedTensors {
  readonly tensors: tf.NamedTensorMap;
  /** The metadata given to {@link saveTensors}; for a file from elsewhere, its `__metadata__` strings. */
  readonly metadata: TensorFileMetadata;
}

export interface LoadTensorsOptions {
  /**
   * Accept safetensors files that carry no scorekit checksum (written by Python's safetensors, say). Off by default,
   * so that a checkpoint whose checksum entry was itself damaged is not silently accepted.
   */
  readonly allowUnverified?: boolean;
}

/**
 * Loads a file written by {@link saveTensors}: checks its structure and checksum, then creates the tensors on the
 * current backend. F32, I32 and BOOL load as themselves; F16 and BF16 become float32 and U8, I8, U16, I16 become
 * int32 (exactly); other dtypes are refused. A missing, truncated, corrupted or foreign file throws a
 * {@link TensorFileError} that names the file and the problem.
 *
 * @example
 * const { tensors, metadata } = await loadTensors('ckpt/step-1000.safetensors');
 * model.setWeights([tensors['dense/kernel'], tensors['dense/bias']]);
 * tf.dispose(tensors);
 */
export async function loadTensors(path: string, options: LoadTensorsOptions = {}): Promise<LoadedTensors> {
  const file = nodePath.resolve(path);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const problem =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : (err.message ?? String(e));
    throw new TensorFileError(file, problem, { cause: e });
  }
  const fail = (problem: string): never => {
    throw new TensorFileError(file, problem);
  };
  const { entries, metadata } = decodeTensorFile(bytes, options.allowUnverified ?? false, fail);
  const tensors: tf.NamedTensorMap = {};
  for (const e of entries) tensors[e.name] = tf.tensor(e.values, [...e.shape], e.dtype);
  return { tensors, metadata };
}
