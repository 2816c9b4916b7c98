import * as tf from '@tensorflow/tfjs-core';
import type { NamedVariable } from './NamedVariable.js';

/** Options of {@link ExponentialMovingAverage}. */
export interface EmaConfig {
  /** The decay d, default 0.9999 (score_sde's ema_rate). */
  readonly decay?: number;
  /** Use score_sde's warm-up d_n = min(d, (1 + n)/(10 + n)), default true. */
  readonly warmup?: boolean;
}

/** The JSON part of an EMA's state (the shadow weights are stored as tensors beside it). */
export interface EmaState {
  readonly decay: number;
  readonly warmup: boolean;
  readonly numUpdates: number;
}

/**
 * An exponential moving average of a network's trainable weights, kept in shadow variables. Each `update()` after
 * an optimizer step does shadow ← shadow − (1 − d_n)(shadow − param) with d_n = min(d, (1 + n)/(10 + n)) for the
 * n-th update (score_sde models/ema.py). For sampling and evaluation, `swapIn()` copies the averages into the
 * network (keeping the training weights aside) and `restore()` puts them back; `withAveraged(fn)` does both.
 *
 * @example
 * const ema = new ExponentialMovingAverage(network.variables, { decay: 0.999 });
 * for (...) { optimizer.minimize(loss, false, network.trainableVariables()); ema.update(); }
 * const samples = await ema.withAveraged(() => sampler.sample(model.scoreFn(), ...));
 */
export class ExponentialMovingAverage {
  readonly decay: number;
  readonly warmup: boolean;
  private updates = 0;
  private readonly params: readonly NamedVariable[];
  private readonly shadows: tf.Variable[];
  private stash: tf.Tensor[] | null = null;

  constructor(variables: readonly NamedVariable[], config: EmaConfig = {}) {
    const decay = config.decay ?? 0.9999;
    if (typeof decay !== 'number' || !(decay >= 0 && decay <= 1)) {
      throw new Error(`ExponentialMovingAverage: decay must be in [0, 1], got ${decay}`);
    }
    this.decay = decay;
    this.warmup = config.warmup ?? true;
    this.params = variables.filter((v) => v.trainable);
    this.shadows = this.params.map((p) => tf.variable(p.variable, false));
  }

  /** Number of updates so far. */
  get numUpdates(): number {
    return this.updates;
  }

  /** The decay the next update will use. */
  nextDecay(): number {
    const n = this.updates + 1;
    return this.warmup ? Math.min(this.decay, (1 + n) / (10 + n)) : this.decay;
  }

  /** Moves the averages towards the current weights; call after each optimizer step. */
  update(): void {
    if (this.stash) throw new Error('ExponentialMovingAverage.update: averages are swapped in; call restore() first');
    const oneMinus = 1 - this.nextDecay();
    this.updates += 1;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const s = this.shadows[i];
        s.assign(tf.sub(s, tf.mul(tf.sub(s, p.variable), oneMinus)));
      });
    });
  }

  /** The averaged weights, by parameter name (the EMA keeps owning them: do not dispose). */
  shadowWeights(): { name: string; tensor: tf.Tensor }[] {
    return this.params.map((p, i) => ({ name: p.name, tensor: this.shadows[i] }));
  }

  /** Copies the averages into the network, keeping the training weights aside until {@link restore}. */
  swapIn(): void {
    if (this.stash) throw new Error('ExponentialMovingAverage.swapIn: averages are already swapped in');
    this.stash = this.params.map((p) => tf.clone(p.variable));
    this.params.forEach((p, i) => p.variable.assign(this.shadows[i]));
  }

  /** Puts back the training weights saved by {@link swapIn}. */
  restore(): void {
    if (!this.stash) throw new Error('ExponentialMovingAverage.restore: nothing to restore (swapIn was not called)');
    this.params.forEach((p, i) => p.variable.assign((this.stash as tf.Tensor[])[i]));
    tf.dispose(this.stash);
    this.stash = null;
  }

  /** Runs `fn` with the averaged weights in the network, restoring the training weights afterwards. */
  async withAveraged<T>(fn: () => T | Promise<T>): Promise<T> {
    this.swapIn();
    try {
      return await fn();
    } finally {
      this.restore();
    }
  }

  /** The JSON part of the state, for checkpoints. */
  state(): EmaState {
    return { decay: this.decay, warmup: this.warmup, numUpdates: this.updates };
  }

  /**
   * Restores a checkpointed state: `weights` maps parameter names to averaged values; every tracked parameter
   * must be present with its shape.
   */
  load(state: EmaState, weights: ReadonlyMap<string, tf.Tensor> | Record<string, tf.Tensor>): void {
    if (!Number.isInteger(state?.numUpdates) || state.numUpdates < 0) {
      throw new Error(`ExponentialMovingAverage.load: numUpdates must be an integer ≥ 0, got ${state?.numUpdates}`);
    }
    const get = (name: string) => (weights instanceof Map ? weights.get(name) : (weights as Record<string, tf.Tensor>)[name]);
    const problems: string[] = [];
    this.params.forEach((p) => {
      const w = get(p.name);
      if (!w) problems.push(`missing ${p.name}`);
      else if (!tf.util.arraysEqual(w.shape, p.variable.shape)) {
        problems.push(`${p.name} has shape [${w.shape}], expected [${p.variable.shape}]`);
      }
    });
    if (problems.length > 0) throw new Error(`ExponentialMovingAverage.load: ${problems.join('; ')}`);
    this.params.forEach((p, i) => this.shadows[i].assign(get(p.name) as tf.Tensor));
    this.updates = state.numUpdates;
  }

  dispose(): void {
    if (this.stash) tf.dispose(this.stash);
    this.shadows.forEach((s) => s.dispose());
  }
}
