import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { bernoulli } from '../internal/bernoulli.js';
import { checkInteger, checkMatrix, checkPositive } from '../internal/check.js';
import { contrastiveDivergenceGradients } from './contrastiveDivergenceGradients.js';
import type { Rbm, RbmGradients } from './Rbm.js';

/** Options of {@link RbmTrainer}. */
export interface RbmTrainerOptions {
  readonly rng: Rng;
  /** Gibbs steps per update, default 1. */
  readonly k?: number;
  /** Persistent CD (Tieleman 2008): keep the negative chains between updates. Default false (CD-k). */
  readonly persistent?: boolean;
  /** Number of persistent chains, default the first batch's size; they start from p(v) with zero weights (½). */
  readonly chains?: number;
  /** Step size of plain gradient ascent when no `optimizer` is given, default 0.05. */
  readonly learningRate?: number;
  /** Any tfjs optimizer (it is given the negated ascent direction); replaces plain gradient ascent. */
  readonly optimizer?: tf.Optimizer;
  /** L2 weight decay on W (added to the loss as ½λ‖W‖²), default 0. */
  readonly weightDecay?: number;
}

/**
 * Trains an RBM by contrastive divergence (CD-k) or persistent contrastive divergence (PCD-k): each `step(batch)`
 * computes {@link contrastiveDivergenceGradients} and moves the parameters up the estimated log-likelihood
 * gradient. Owns the persistent chains: call `dispose()` when done.
 *
 * @example
 * const trainer = new RbmTrainer(rbm, { rng, k: 1, persistent: true, learningRate: 0.05 });
 * for (const batch of batches) trainer.step(batch);
 * trainer.dispose();
 */
export class RbmTrainer {
  private chainState: tf.Tensor2D | null = null;
  private readonly k: number;
  private readonly learningRate: number;
  private readonly weightDecay: number;

  constructor(
    readonly rbm: Rbm,
    private readonly options: RbmTrainerOptions,
  ) {
    const where = 'RbmTrainer';
    this.k = options.k ?? 1;
    checkInteger(where, 'k', this.k, 1);
    if (options.chains !== undefined) checkInteger(where, 'chains', options.chains, 1);
    this.learningRate = options.learningRate ?? 0.05;
    checkPositive(where, 'learningRate', this.learningRate);
    this.weightDecay = options.weightDecay ?? 0;
    checkPositive(where, 'weightDecay', this.weightDecay, true);
  }

  /** The persistent chains' current states (null before the first persistent step, or for plain CD). */
  get chains(): tf.Tensor2D | null {
    return this.chainState;
  }

  /**
   * Replaces the persistent chains (a copy of `chains`, [m, V] binary) — to resume a PCD run from a checkpoint of
   * {@link RbmTrainer.chains}; null clears them (the next persistent step starts fresh ones).
   */
  setChains(chains: tf.Tensor2D | null): void {
    if (chains) checkMatrix('RbmTrainer.setChains', 'chains', chains.shape, this.rbm.visibleUnits);
    this.chainState?.dispose();
    this.chainState = chains ? tf.clone(chains) : null;
  }

  /** One update from a batch of binary data [n, V]. */
  step(batch: tf.Tensor2D): void {
    checkMatrix('RbmTrainer.step', 'batch', batch.shape, this.rbm.visibleUnits);
    const { rng, persistent } = this.options;
    if (persistent && !this.chainState) {
      const rows = this.options.chains ?? batch.shape[0];
      this.chainState = tf.tidy(() => bernoulli(tf.fill([rows, this.rbm.visibleUnits], 0.5) as tf.Tensor2D, rng));
    }
    const { gradients, chains } = contrastiveDivergenceGradients(this.rbm, batch, {
      k: this.k,
      rng,
      ...(persistent && this.chainState ? { chains: this.chainState } : {}),
    });
    if (persistent) {
      this.chainState?.dispose();
      this.chainState = chains;
    } else chains.dispose();
    this.apply(gradients);
  }

  /** Frees the persistent chains (not the RBM). */
  dispose(): void {
    this.chainState?.dispose();
    this.chainState = null;
  }

  private apply(g: RbmGradients): void {
    const { rbm, weightDecay, learningRate } = this;
    tf.tidy(() => {
      const dw = weightDecay > 0 ? tf.sub(g.weights, tf.mul(rbm.weights, weightDecay)) : g.weights;
      if (this.options.optimizer) {
        this.options.optimizer.applyGradients({
          [rbm.weights.name]: tf.neg(dw),
          [rbm.visibleBias.name]: tf.neg(g.visibleBias),
          [rbm.hiddenBias.name]: tf.neg(g.hiddenBias),
        });
      } else {
        rbm.weights.assign(tf.add(rbm.weights, tf.mul(dw, learningRate)));
        rbm.visibleBias.assign(tf.add(rbm.visibleBias, tf.mul(g.visibleBias, learningRate)));
        rbm.hiddenBias.assign(tf.add(rbm.hiddenBias, tf.mul(g.hiddenBias, learningRate)));
      }
    });
    for (const t of [g.weights, g.visibleBias, g.hiddenBias]) t.dispose();
  }
}
