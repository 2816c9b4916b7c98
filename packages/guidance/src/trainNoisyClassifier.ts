import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import type { TrainableNoisyClassifier } from './createNoisyClassifier.js';
import { perturb } from './createNoisyClassifier.js';
import { readLabels } from './internal/labels.js';
import { oneHotFloat } from './internal/oneHotFloat.js';

/** Options of {@link trainNoisyClassifier}. */
export interface TrainNoisyClassifierOptions {
  /** Clean training data [N, ...dataShape] (not disposed). */
  readonly data: tf.Tensor;
  /** The class of each row of `data`, in [0, numClasses). */
  readonly labels: tf.Tensor | readonly number[] | Int32Array;
  readonly steps: number;
  /** Default 128. */
  readonly batchSize?: number;
  /** Adam's learning rate, default 2e-3. */
  readonly lr?: number;
  /** Seed of the batches, times and noise. */
  readonly seed: number;
  /** Smallest training time, default the SDE's samplingEps (times are uniform on [tMin, T]). */
  readonly tMin?: number;
  /** Called after every step with the step (1-based), the total and the batch's loss. */
  readonly onProgress?: (step: number, total: number, loss: number) => void;
}

/** What {@link trainNoisyClassifier} reports. */
export interface TrainNoisyClassifierResult {
  /** The cross-entropy of every step's batch. */
  readonly losses: readonly number[];
}

/**
 * Trains a noise-conditional classifier on data perturbed by its SDE (Song et al. 2021 §5; Dhariwal & Nichol
 * 2021): each step draws a batch, times t ~ U[tMin, T] and x_t = α(t)·x + σ(t)·z, and takes an Adam step on the
 * cross-entropy −log p_φ(y | x_t, t). The classifier's variables are updated in place.
 *
 * @example
 * const { losses } = await trainNoisyClassifier(classifier, { data, labels, steps: 500, batchSize: 128, lr: 2e-3, seed: 0 });
 */
export async function trainNoisyClassifier(classifier: TrainableNoisyClassifier, options: TrainNoisyClassifierOptions): Promise<TrainNoisyClassifierResult> {
  const where = 'trainNoisyClassifier';
  const { data, steps, seed } = options ?? ({} as TrainNoisyClassifierOptions);
  const batchSize = options?.batchSize ?? 128;
  const lr = options?.lr ?? 2e-3;
  const sde = classifier?.sde;
  const problems: string[] = [];
  if (classifier == null || typeof classifier.trainableVariables !== 'function') throw new Error(`${where}: classifier must come from createNoisyClassifier`);
  if (!(data instanceof tf.Tensor) || data.isDisposed || data.shape.slice(1).join(',') !== classifier.dataShape.join(',') || data.rank !== classifier.dataShape.length + 1) {
    problems.push(`data must be a live tensor [N, ${classifier.dataShape.join(', ')}]; got ${data instanceof tf.Tensor ? `[${data.shape.join(', ')}]` : String(data)}`);
  }
  if (!Number.isInteger(steps) || steps < 1) problems.push(`steps must be an integer ≥ 1; got ${String(steps)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) problems.push(`batchSize must be an integer ≥ 1; got ${String(batchSize)}`);
  if (!(typeof lr === 'number' && lr > 0 && Number.isFinite(lr))) problems.push(`lr must be a number > 0; got ${String(lr)}`);
  if (!Number.isFinite(seed)) problems.push(`seed must be a finite number; got ${String(seed)}`);
  const tMin = options?.tMin ?? sde.samplingEps;
  if (!(tMin >= 0 && tMin < sde.T)) problems.push(`tMin must be in [0, ${sde.T}); got ${String(tMin)}`);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  const labels = readLabels(options.labels instanceof Int32Array ? Array.from(options.labels) : options.labels, classifier.numClasses, where);
  if (labels.length !== data.shape[0]) throw new Error(`${where}: ${labels.length} labels for ${data.shape[0]} data rows; give one label per row`);

  const rng = new Rng(seed);
  const optimizer = tf.train.adam(lr);
  const variables = classifier.trainableVariables();
  const N = data.shape[0];
  const losses: number[] = [];
  try {
    for (let step = 1; step <= steps; step++) {
      const idx = new Int32Array(batchSize);
      for (let i = 0; i < batchSize; i++) idx[i] = rng.randint(0, N);
      const lossValue = tf.tidy(() => {
        const index = tf.tensor1d(idx, 'int32');
        const x0 = tf.gather(data, index);
        const y = oneHotFloat(tf.gather(tf.tensor1d(labels, 'int32'), index), classifier.numClasses);
        const t = rng.uniform([batchSize], tMin, sde.T);
        const xt = perturb(sde, x0, t, rng.normal(x0.shape));
        const loss = optimizer.minimize(() => tf.neg(tf.mean(tf.sum(tf.mul(y, classifier.logProbs(xt, t)), 1))) as tf.Scalar, true, variables);
        return loss!.dataSync()[0];
      });
      losses.push(lossValue);
      options.onProgress?.(step, steps, lossValue);
      if (step % 20 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  } finally {
    optimizer.dispose();
  }
  return { losses };
}
