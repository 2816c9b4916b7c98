import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../io/writeFileAtomic.js';
import type { NpyWriteDtype } from './NpyArray.js';
import { tensorToNpy } from './tensorToNpy.js';
import { writeNpy } from './writeNpy.js';
import type { NpyInput } from './writeNpy.js';

/**
 * Writes a .npy file atomically (see {@link writeFileAtomic}): either a tensor (its dtype, or `dtype`), or an
 * array with its shape (see {@link writeNpy}). The directory must exist.
 *
 * @example
 * await saveNpy('runs/a/samples.npy', samples);                     // a float32 tensor
 * await saveNpy('runs/a/labels.npy', [3, 1, 4], [3], 'int64');      // an array and its shape
 */
export async function saveNpy(path: string, tensor: tf.Tensor, dtype?: NpyWriteDtype): Promise<void>;
export async function saveNpy(path: string, data: NpyInput, shape: readonly number[], dtype?: NpyWriteDtype): Promise<void>;
export async function saveNpy(
  path: string,
  data: tf.Tensor | NpyInput,
  shapeOrDtype?: readonly number[] | NpyWriteDtype,
  dtype?: NpyWriteDtype,
): Promise<void> {
  let bytes: Uint8Array;
  if (data instanceof tf.Tensor) {
    bytes = await tensorToNpy(data, shapeOrDtype as NpyWriteDtype | undefined);
  } else {
    if (!Array.isArray(shapeOrDtype)) throw new TypeError('saveNpy(path, data, shape, dtype?): a shape is required for an array');
    bytes = writeNpy(data, shapeOrDtype, dtype);
  }
  await writeFileAtomic(path, bytes);
}
