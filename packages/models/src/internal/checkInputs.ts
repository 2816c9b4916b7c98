import * as tf from '@tensorflow/tfjs-core';
import type { ApplyOptions } from '../Network.js';

/** Validates apply() inputs up front so a wrong shape is reported in our terms, not as a tfjs stack trace. */
export function checkApplyInputs(
  where: string,
  inputShape: readonly number[],
  numClasses: number,
  x: tf.Tensor,
  cNoise: tf.Tensor,
  options: ApplyOptions,
): void {
  const expected = `[n, ${inputShape.join(', ')}]`;
  if (x.rank !== inputShape.length + 1 || inputShape.some((d, i) => x.shape[i + 1] !== d)) {
    throw new Error(`${where}: x must have shape ${expected}, got [${x.shape.join(', ')}]`);
  }
  if (x.dtype !== 'float32') throw new Error(`${where}: x must be float32, got ${x.dtype}`);
  const n = x.shape[0];
  if (cNoise.rank !== 1 || cNoise.shape[0] !== n) {
    throw new Error(`${where}: cNoise must have shape [${n}] (one per sample of x), got [${cNoise.shape.join(', ')}]`);
  }
  if (options.labels != null) {
    const l = options.labels;
    if (numClasses === 0) throw new Error(`${where}: labels were given but the network is unconditional (numClasses 0)`);
    if (l.rank !== 1 || l.shape[0] !== n || l.dtype !== 'int32') {
      throw new Error(`${where}: labels must be int32 with shape [${n}], got ${l.dtype} [${l.shape.join(', ')}]`);
    }
    const values = l.dataSync();
    for (const v of values) {
      if (v < 0 || v > numClasses) {
        throw new Error(`${where}: labels must be in 0…${numClasses} (${numClasses} = no label), got ${v}`);
      }
    }
  }
}

/** One-hot [n, numClasses + 1] of the labels, or of "no label" (index numClasses) when labels are absent. */
export function labelOneHot(n: number, numClasses: number, labels: tf.Tensor | undefined): tf.Tensor {
  const idx = labels ?? tf.fill([n], numClasses, 'int32');
  return tf.oneHot(idx as tf.Tensor1D, numClasses + 1);
}
