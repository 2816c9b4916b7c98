import * as tf from '@tensorflow/tfjs-core';
import type { NpyWriteDtype } from './NpyArray.js';
import { writeNpy } from './writeNpy.js';

/**
 * Encodes a tensor as a .npy file: float32 → '<f4', int32 → '<i4', bool → '|b1', or the given `dtype` (for
 * example 'uint8' for images already in 0…255, which must then hold integers in range; see {@link writeNpy}).
 * The tensor is read, not disposed.
 *
 * @example
 * await fs.writeFile('samples.npy', await tensorToNpy(samples));
 */
export async function tensorToNpy(tensor: tf.Tensor, dtype?: NpyWriteDtype): Promise<Uint8Array> {
  if (!(tensor instanceof tf.Tensor)) throw new TypeError('tensorToNpy: expected a tf.Tensor');
  if (tensor.isDisposed) throw new TypeError('tensorToNpy: the tensor is disposed');
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool') {
    throw new TypeError(`tensorToNpy: tensors of dtype ${tensor.dtype} cannot be written; allowed: float32, int32, bool`);
  }
  const data = (await tensor.data()) as Float32Array | Int32Array | Uint8Array;
  return writeNpy(data, tensor.shape, dtype ?? (tensor.dtype === 'bool' ? 'bool' : tensor.dtype));
}
