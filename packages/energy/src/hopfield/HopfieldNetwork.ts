import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { checkInteger, checkMatrix, checkPositive } from '../internal/check.js';
import { hebbianWeights } from './hebbianWeights.js';

/** 'binary': units sᵢ ∈ {−1, +1}, sᵢ ← sign(hᵢ); 'continuous': sᵢ ∈ (−1, 1), sᵢ ← tanh(β hᵢ) (Hopfield 1984). */
export type HopfieldUnits = 'binary' | 'continuous';

/** Options of {@link HopfieldNetwork}. */
export interface HopfieldOptions {
  /** Unit type, default 'binary'. */
  readonly units?: HopfieldUnits;
  /** Gain β of continuous units (sᵢ = tanh(β hᵢ)), default 1; ignored by binary units. */
  readonly gain?: number;
  /** Thresholds θ ([N]), default 0: the local field is hᵢ = Σⱼ Wᵢⱼ sⱼ − θᵢ. */
  readonly thresholds?: tf.Tensor1D;
}

/** What {@link HopfieldNetwork.recall} returns. */
export interface HopfieldRecall {
  /** The final states, [n, N]. */
  readonly states: tf.Tensor2D;
  /** Sweeps (asynchronous) or steps (synchronous) run. */
  readonly iterations: number;
  /** Whether every state stopped changing before `maxIterations`. */
  readonly converged: boolean;
}

/** Options of {@link HopfieldNetwork.recall}. */
export interface HopfieldRecallOptions {
  /** 'asynchronous' (default; one unit at a time in a random order, energy never increases) or 'synchronous'. */
  readonly mode?: 'asynchronous' | 'synchronous';
  /** Needed by asynchronous updates: the source of the unit orders. */
  readonly rng?: Rng;
  /** Default 100. */
  readonly maxIterations?: number;
  /** Continuous units count as converged when no unit moves more than this; default 1e-6. */
  readonly tolerance?: number;
}

/**
 * A Hopfield network: N units with symmetric weights W (zero diagonal, checked) and the quadratic energy
 * E(s) = −½ sᵀWs + θᵀs, plus, for continuous units of gain β, (1/β) Σᵢ ½[(1+sᵢ)ln(1+sᵢ) + (1−sᵢ)ln(1−sᵢ)]
 * (the integral of tanh⁻¹). Updating one unit to its rule minimises E over that unit exactly, so E is a Lyapunov
 * function of asynchronous updates; synchronous updates may instead fall into 2-cycles. States are rows of [n, N]
 * tensors.
 *
 * @example
 * const net = HopfieldNetwork.hebbian(patterns);             // patterns: [P, N] of ±1
 * const { states } = net.recall(corrupted, { rng });         // asynchronous updates to a fixed point
 * const e = net.energy(states);                              // [n]
 */
export class HopfieldNetwork {
  readonly size: number;
  readonly units: HopfieldUnits;
  readonly gain: number;
  /** Symmetric [N, N] weights with zero diagonal (owned by the network). */
  readonly weights: tf.Tensor2D;
  /** [N] thresholds (owned by the network). */
  readonly thresholds: tf.Tensor1D;
  private readonly w: Float32Array;
  private readonly theta: Float32Array;

  /** Copies `weights` and `thresholds`; the caller keeps its own. */
  constructor(weights: tf.Tensor2D, options: HopfieldOptions = {}) {
    const where = 'HopfieldNetwork';
    checkMatrix(where, 'weights', weights.shape);
    const n = weights.shape[1];
    if (weights.shape[0] !== n) throw new Error(`${where}: weights must be square, got [${weights.shape.join(', ')}]`);
    const units = options.units ?? 'binary';
    if (units !== 'binary' && units !== 'continuous') {
      throw new Error(`${where}: units must be 'binary' or 'continuous', got ${String(units)}`);
    }
    const gain = options.gain ?? 1;
    checkPositive(where, 'gain', gain);
    if (options.thresholds && (options.thresholds.rank !== 1 || options.thresholds.shape[0] !== n)) {
      throw new Error(`${where}: thresholds must have shape [${n}], got [${options.thresholds.shape.join(', ')}]`);
    }
    const w = weights.dataSync() as Float32Array;
    for (let i = 0; i < n; i++) {
      if (w[i * n + i] !== 0) throw new Error(`${where}: weights must have a zero diagonal (no self-connections), W[${i}][${i}] = ${w[i * n + i]}`);
      for (let j = i + 1; j < n; j++) {
        if (Math.abs(w[i * n + j] - w[j * n + i]) > 1e-6 * (1 + Math.abs(w[i * n + j]))) {
          throw new Error(`${where}: weights must be symmetric, W[${i}][${j}] = ${w[i * n + j]} but W[${j}][${i}] = ${w[j * n + i]}`);
        }
      }
    }
    this.size = n;
    this.units = units;
    this.gain = gain;
    this.w = Float32Array.from(w);
    this.weights = tf.clone(weights);
    this.thresholds = options.thresholds ? tf.clone(options.thresholds) : tf.zeros([n]);
    this.theta = Float32Array.from(this.thresholds.dataSync());
  }

  /** A network storing the ±1 rows of `patterns` ([P, N]) by {@link hebbianWeights}. */
  static hebbian(patterns: tf.Tensor2D, options: HopfieldOptions = {}): HopfieldNetwork {
    const w = hebbianWeights(patterns);
    try {
      return new HopfieldNetwork(w, options);
    } finally {
      w.dispose();
    }
  }

  /** The energy of each state, [n]. */
  energy(states: tf.Tensor2D): tf.Tensor1D {
    this.checkStates('energy', states);
    return tf.tidy(() => {
      const quadratic = tf.mul(-0.5, tf.sum(tf.mul(tf.matMul(states, this.weights), states), 1));
      let e = tf.add(quadratic, tf.sum(tf.mul(states, this.thresholds), 1));
      if (this.units === 'continuous') {
        // ½[(1+s)ln(1+s) + (1−s)ln(1−s)], with 0·ln 0 = 0 at s = ±1.
        const xlogx = (u: tf.Tensor) => tf.mul(u, tf.log(tf.maximum(u, 1e-30)));
        const entropy = tf.mul(0.5, tf.add(xlogx(tf.add(1, states)), xlogx(tf.sub(1, states))));
        e = tf.add(e, tf.div(tf.sum(entropy, 1), this.gain));
      }
      return e as tf.Tensor1D;
    });
  }

  /** One synchronous step: every unit updated from the same previous state. */
  synchronousStep(states: tf.Tensor2D): tf.Tensor2D {
    this.checkStates('synchronousStep', states);
    return tf.tidy(() => {
      const field = tf.sub(tf.matMul(states, this.weights), this.thresholds);
      if (this.units === 'continuous') return tf.tanh(tf.mul(field, this.gain)) as tf.Tensor2D;
      // A zero field keeps the unit as it is, so stored patterns stay fixed points even with ties.
      return tf.where(tf.equal(field, 0), states, tf.sign(field)) as tf.Tensor2D;
    });
  }

  /** One asynchronous sweep: every unit once, in an order drawn from `rng` (the same order for every row). */
  asynchronousSweep(states: tf.Tensor2D, rng: Rng): tf.Tensor2D {
    this.checkStates('asynchronousSweep', states);
    const s = Float32Array.from(states.dataSync());
    this.sweepInPlace(s, states.shape[0], rng);
    return tf.tensor2d(s, states.shape);
  }

  /**
   * Runs updates until no state changes (binary) or none moves more than `tolerance` (continuous), or for
   * `maxIterations` sweeps/steps.
   */
  recall(states: tf.Tensor2D, options: HopfieldRecallOptions = {}): HopfieldRecall {
    const where = 'HopfieldNetwork.recall';
    this.checkStates(where, states);
    const mode = options.mode ?? 'asynchronous';
    if (mode !== 'asynchronous' && mode !== 'synchronous') {
      throw new Error(`${where}: mode must be 'asynchronous' or 'synchronous', got ${String(mode)}`);
    }
    if (mode === 'asynchronous' && !options.rng) throw new Error(`${where}: asynchronous updates need options.rng`);
    const maxIterations = options.maxIterations ?? 100;
    checkInteger(where, 'maxIterations', maxIterations, 1);
    const tolerance = options.tolerance ?? 1e-6;
    checkPositive(where, 'tolerance', tolerance, true);
    const rows = states.shape[0];
    let s: Float32Array = Float32Array.from(states.dataSync());
    for (let it = 1; it <= maxIterations; it++) {
      const before = Float32Array.from(s);
      if (mode === 'asynchronous') this.sweepInPlace(s, rows, options.rng as Rng);
      else {
        const next = tf.tidy(() => this.synchronousStep(tf.tensor2d(s, states.shape)));
        s = Float32Array.from(next.dataSync());
        next.dispose();
      }
      let moved = 0;
      for (let i = 0; i < s.length; i++) moved = Math.max(moved, Math.abs(s[i] - before[i]));
      if (moved <= (this.units === 'binary' ? 0 : tolerance)) {
        return { states: tf.tensor2d(s, states.shape), iterations: it, converged: true };
      }
    }
    return { states: tf.tensor2d(s, states.shape), iterations: maxIterations, converged: false };
  }

  /** Frees the weights and thresholds. */
  dispose(): void {
    this.weights.dispose();
    this.thresholds.dispose();
  }

  // Sequential by nature (each unit sees the ones updated before it), so it runs on plain arrays: N² per row.
  private sweepInPlace(s: Float32Array, rows: number, rng: Rng): void {
    const n = this.size;
    const order = rng.permutation(n);
    for (const i of order) {
      const wi = i * n;
      for (let r = 0; r < rows; r++) {
        const base = r * n;
        let field = -this.theta[i];
        for (let j = 0; j < n; j++) field += this.w[wi + j] * s[base + j];
        if (this.units === 'continuous') s[base + i] = Math.tanh(this.gain * field);
        else if (field !== 0) s[base + i] = field > 0 ? 1 : -1;
      }
    }
  }

  private checkStates(where: string, states: tf.Tensor): void {
    checkMatrix(`HopfieldNetwork.${where}`, 'states', states.shape, this.size);
  }
}
