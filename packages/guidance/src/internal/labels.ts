import * as tf from '@tensorflow/tfjs-core';

/**
 * Reads class labels given as an int32 tensor [n] or an array of integers, checking each is in [0, numClasses)
 * (or the null label when `nullLabel` is given), and returns them as an Int32Array.
 */
export function readLabels(labels: tf.Tensor | readonly number[], numClasses: number, where: string, nullLabel?: number): Int32Array {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1 || labels.isDisposed) throw new Error(`${where}: labels must be a live rank-1 tensor [n]; got [${labels.shape.join(',')}]`);
    values = labels.dataSync();
  } else if (Array.isArray(labels)) values = labels;
  else throw new Error(`${where}: labels must be an int32 tensor [n] or an array of class indices; got ${String(labels)}`);
  const allowed = `integers in [0, ${numClasses})${nullLabel != null ? ` or the null label ${nullLabel}` : ''}`;
  if (values.length === 0) throw new Error(`${where}: labels must not be empty (one class per sample, ${allowed})`);
  const out = new Int32Array(values.length);
  const bad: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || ((v < 0 || v >= numClasses) && v !== nullLabel)) {
      if (bad.length < 5) bad.push(`labels[${i}] = ${v}`);
    }
    out[i] = v;
  }
  if (bad.length > 0) throw new Error(`${where}: unknown class ${bad.join(', ')}; allowed: ${allowed}`);
  return out;
}

/** Throws unless there is one label per sample of x. */
export function checkLabelCount(labels: Int32Array, x: tf.Tensor, where: string): void {
  if (labels.length !== x.shape[0]) {
    throw new Error(`${where}: ${labels.length} labels were given but x holds ${x.shape[0]} samples; give one label per sample`);
  }
}
