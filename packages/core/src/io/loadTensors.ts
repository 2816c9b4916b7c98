import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as zlib from 'node:zlib';
import { decodeTensorFile } from './internal/tensorFile.js';
import type { DecodedTensors, DecodeTensorsOptions } from './decodeTensors.js';
import { TensorFileError } from './TensorFileError.js';

/** What {@link loadTensors} returns. The caller owns (and disposes) the tensors. */
export type LoadedTensors = DecodedTensors;

export type LoadTensorsOptions = Pick<DecodeTensorsOptions, 'allowUnverified'>;

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
  const { entries, metadata } = decodeTensorFile(bytes, options.allowUnverified ?? false, fail, zlib.crc32);
  const tensors: tf.NamedTensorMap = {};
  for (const e of entries) tensors[e.name] = tf.tensor(e.values, [...e.shape], e.dtype);
  return { tensors, metadata };
}
