import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { checkInteger, checkPositive } from '../internal/check.js';

/** Options of {@link ReplayBuffer}. */
export interface ReplayBufferOptions {
  /** Shape of one sample, e.g. [2] or [28, 28, 1]. */
  readonly sampleShape: readonly number[];
  /** Samples kept (oldest replaced first), default 10,000 (Du & Mordatch). */
  readonly capacity?: number;
  /** Probability that a chain restarts from fresh noise instead of the buffer, default 0.05 (Du & Mordatch). */
  readonly reinitProbability?: number;
}

/**
 * The replay buffer of Du & Mordatch 2019: past negative samples, from which most short-run Langevin chains start
 * (so that, over training, chains run far longer than K steps), with a small fraction restarted from noise to keep
 * exploring. Samples live in plain memory, not tensors: the buffer holds nothing to dispose.
 *
 * @example
 * const buffer = new ReplayBuffer({ sampleShape: [2] });
 * const start = buffer.sample(64, rng, (m) => rng.uniform([m, 2], -4, 4));
 * buffer.push(negatives);
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly reinitProbability: number;
  readonly sampleShape: readonly number[];
  private readonly sampleSize: number;
  private readonly rows: Float32Array[] = [];
  private next = 0;

  constructor(options: ReplayBufferOptions) {
    const where = 'ReplayBuffer';
    this.sampleShape = [...options.sampleShape];
    if (this.sampleShape.length === 0 || this.sampleShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`${where}: sampleShape must be a non-empty list of positive integers, got [${this.sampleShape.join(', ')}]`);
    }
    this.sampleSize = this.sampleShape.reduce((a, b) => a * b, 1);
    this.capacity = options.capacity ?? 10_000;
    checkInteger(where, 'capacity', this.capacity, 1);
    this.reinitProbability = options.reinitProbability ?? 0.05;
    checkPositive(where, 'reinitProbability', this.reinitProbability, true);
    if (this.reinitProbability > 1) throw new Error(`${where}: reinitProbability must be in [0, 1], got ${this.reinitProbability}`);
  }

  /** Samples held. */
  get size(): number {
    return this.rows.length;
  }

  /**
   * n starting points [n, ...sampleShape]: each a uniformly chosen stored sample, or (with probability
   * `reinitProbability`, and always while the buffer is empty) a row of `fresh(m)`, called once for the m rows
   * that need it.
   */
  sample(n: number, rng: Rng, fresh: (m: number) => tf.Tensor): tf.Tensor {
    checkInteger('ReplayBuffer.sample', 'n', n, 1);
    const picks: number[] = [];
    let freshCount = 0;
    for (let i = 0; i < n; i++) {
      const restart = this.rows.length === 0 || rng.nextFloat() < this.reinitProbability;
      picks.push(restart ? -1 : rng.randint(0, this.rows.length));
      if (restart) freshCount++;
    }
    const out = new Float32Array(n * this.sampleSize);
    if (freshCount > 0) {
      const f = fresh(freshCount);
      const expected = [freshCount, ...this.sampleShape];
      if (f.shape.length !== expected.length || f.shape.some((d, i) => d !== expected[i])) {
        f.dispose();
        throw new Error(`ReplayBuffer.sample: fresh(${freshCount}) must return shape [${expected.join(', ')}], got [${f.shape.join(', ')}]`);
      }
      const values = f.dataSync();
      f.dispose();
      let used = 0;
      picks.forEach((p, i) => {
        if (p < 0) out.set(values.subarray(used++ * this.sampleSize, used * this.sampleSize), i * this.sampleSize);
      });
    }
    picks.forEach((p, i) => {
      if (p >= 0) out.set(this.rows[p], i * this.sampleSize);
    });
    return tf.tensor(out, [n, ...this.sampleShape]);
  }

  /**
   * The stored samples in slot order ([size, ...sampleShape] flattened) and the slot the next push replaces once
   * full: enough for {@link ReplayBuffer.restore} to rebuild the buffer exactly (a resumed training run draws the
   * same chain starts as an uninterrupted one).
   */
  snapshot(): { readonly values: Float32Array; readonly size: number; readonly next: number } {
    const values = new Float32Array(this.rows.length * this.sampleSize);
    this.rows.forEach((row, i) => values.set(row, i * this.sampleSize));
    return { values, size: this.rows.length, next: this.next };
  }

  /** Replaces the contents with a {@link ReplayBuffer.snapshot} of a buffer of the same sample shape and capacity. */
  restore(snapshot: { readonly values: ArrayLike<number>; readonly size: number; readonly next: number }): void {
    const { values, size, next } = snapshot;
    checkInteger('ReplayBuffer.restore', 'size', size, 0, this.capacity);
    checkInteger('ReplayBuffer.restore', 'next', next, 0, Math.max(this.capacity - 1, 0));
    if (values.length !== size * this.sampleSize) {
      throw new Error(`ReplayBuffer.restore: values must hold size × ${this.sampleSize} = ${size * this.sampleSize} numbers, got ${values.length}`);
    }
    const all = Float32Array.from(values);
    this.rows.length = 0;
    for (let r = 0; r < size; r++) this.rows.push(all.slice(r * this.sampleSize, (r + 1) * this.sampleSize));
    this.next = next;
  }

  /** Stores every row of x ([m, ...sampleShape]), replacing the oldest once full. */
  push(x: tf.Tensor): void {
    const shape = x.shape.slice(1);
    if (shape.length !== this.sampleShape.length || shape.some((d, i) => d !== this.sampleShape[i])) {
      throw new Error(`ReplayBuffer.push: x must have shape [m, ${this.sampleShape.join(', ')}], got [${x.shape.join(', ')}]`);
    }
    const values = x.dataSync();
    for (let r = 0; r < x.shape[0]; r++) {
      const row = Float32Array.from(values.subarray(r * this.sampleSize, (r + 1) * this.sampleSize));
      if (this.rows.length < this.capacity) this.rows.push(row);
      else {
        this.rows[this.next] = row;
        this.next = (this.next + 1) % this.capacity;
      }
    }
  }
}
