import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { checkPositive } from '../internal/check.js';
import { contrastiveEnergyLoss } from './contrastiveEnergyLoss.js';
import type { EnergyFunction } from './EnergyFunction.js';
import { ReplayBuffer, type ReplayBufferOptions } from './ReplayBuffer.js';
import { shortRunLangevin, type ShortRunLangevinOptions } from './shortRunLangevin.js';

/** Options of {@link EbmTrainer}. */
export interface EbmTrainerOptions {
  readonly energy: EnergyFunction;
  /** The parameters to train. */
  readonly variables: tf.Variable[];
  readonly optimizer: tf.Optimizer;
  readonly rng: Rng;
  /** Short-run Langevin settings of the negative phase (steps, stepSize, noiseStd, clip, gradientClip). */
  readonly langevin: Omit<ShortRunLangevinOptions, 'rng'>;
  /** Where restarted chains start: m fresh samples [m, ...sampleShape] (uniform noise over the data's box, say). */
  readonly init: (m: number, rng: Rng) => tf.Tensor;
  /** Replay buffer options; `sampleShape` is required. */
  readonly buffer: ReplayBufferOptions;
  /** α of {@link contrastiveEnergyLoss}, default 1 (Du & Mordatch). */
  readonly regularization?: number;
}

/**
 * Trains a deep energy-based model by contrastive divergence with short-run Langevin negatives and a replay buffer
 * (Du & Mordatch 2019, Algorithm 1): each `step(batch)` draws chain starts from the buffer (5% fresh noise), runs
 * K Langevin steps on the current energy, takes one optimiser step on {@link contrastiveEnergyLoss}, and stores
 * the negatives back into the buffer. Returns the loss value.
 *
 * @example
 * const trainer = new EbmTrainer({ energy, variables: net.trainableVariables(), optimizer: tf.train.adam(1e-3), rng,
 *   langevin: { steps: 20, stepSize: 0.01 }, init: (m, r) => r.uniform([m, 2], -4, 4), buffer: { sampleShape: [2] } });
 * for (let i = 0; i < 1000; i++) trainer.step(batch());
 */
export class EbmTrainer {
  readonly buffer: ReplayBuffer;
  private readonly regularization: number;

  constructor(private readonly options: EbmTrainerOptions) {
    this.buffer = new ReplayBuffer(options.buffer);
    this.regularization = options.regularization ?? 1;
    checkPositive('EbmTrainer', 'regularization', this.regularization, true);
    if (options.variables.length === 0) throw new Error('EbmTrainer: variables must list at least one tf.Variable to train');
  }

  /** One training step on a data batch [n, ...sampleShape]; returns the loss. */
  step(batch: tf.Tensor): number {
    const { energy, rng, init, optimizer, variables, langevin } = this.options;
    const expected = this.buffer.sampleShape.join(', ');
    if (batch.shape.slice(1).join(', ') !== expected) {
      throw new Error(`EbmTrainer.step: batch must have shape [n, ${expected}], got [${batch.shape.join(', ')}]`);
    }
    const start = this.buffer.sample(batch.shape[0], rng, (m) => init(m, rng));
    const negatives = shortRunLangevin(energy, start, { ...langevin, rng });
    start.dispose();
    const cost = optimizer.minimize(() => contrastiveEnergyLoss(energy, batch, negatives, this.regularization), true, variables);
    this.buffer.push(negatives);
    negatives.dispose();
    const value = cost ? cost.dataSync()[0] : NaN;
    cost?.dispose();
    return value;
  }
}
