import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';

/** Options of {@link dropLabels}. */
export interface LabelDropoutOptions {
  /** Probability in [0, 1] that a sample's label is replaced by the null label (Ho & Salimans 2021 use 0.1–0.2). */
  readonly probability: number;
  /** The "no class" label ∅; scorekit's conditional networks reserve index numClasses for it. */
  readonly nullLabel: number;
}

/**
 * Label dropout for classifier-free guidance (Ho & Salimans 2021, Algorithm 1): each label is replaced by the null
 * label with probability p, independently, so one conditional network also learns the unconditional score
 * s(x, t, ∅). The draws come from `rng` on the host (one uniform per sample), so a seed gives the same mask on every
 * backend. Returns a new int32 tensor [n]; apply it to a batch's labels before the objective:
 *
 * @example
 * const labels = dropLabels(batch.labels, { probability: 0.1, nullLabel: 10 }, rng);
 * const loss = ddpmLoss(model, { x: batch.x, labels }, rng);
 */
export function dropLabels(labels: tf.Tensor, options: LabelDropoutOptions, rng: Rng): tf.Tensor1D {
  const { probability, nullLabel } = options ?? ({} as LabelDropoutOptions);
  const problems: string[] = [];
  if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.dtype !== 'int32') {
    problems.push(`labels must be an int32 tensor [n]; got ${labels instanceof tf.Tensor ? `${labels.dtype} [${labels.shape.join(',')}]` : String(labels)}`);
  }
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) problems.push(`probability must be a number in [0, 1]; got ${String(probability)}`);
  if (!Number.isInteger(nullLabel) || nullLabel < 0) problems.push(`nullLabel must be an integer ≥ 0 (the networks' numClasses); got ${String(nullLabel)}`);
  if (problems.length > 0) throw new Error(`dropLabels: ${problems.join('; ')}`);
  const values = labels.dataSync();
  const u = rng.uniformArray(values.length);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = u[i] < probability ? nullLabel : values[i];
  return tf.tensor1d(out, 'int32');
}
