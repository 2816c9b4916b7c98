import * as tf from '@tensorflow/tfjs-core';
import { LinearSde } from '../LinearSde.js';
import { oneMinusExp } from '../internal/oneMinusExp.js';
import { SdeOptionReader, requireNumber } from '../internal/validate.js';
import { ddpmBetas, type DdpmBetasConfig } from '../schedules/ddpmBetas.js';

/** Options of {@link DdpmSde}: the β schedule of the discrete chain. */
export type DdpmSdeConfig = DdpmBetasConfig;

/**
 * The discrete DDPM chain (Ho et al. 2020) — linear or cosine β — seen as a VP-type SDE so that every sampler works
 * on it. Step i (0-based) sits at time t_i = (i+1)/N with ᾱ_i = Π_{s≤i}(1 − β_s); in between, log α(t) is
 * interpolated linearly, with α(0) = 1 (dpm-solver `NoiseScheduleVP('discrete')` does the same). Then
 * σ(t) = √(1 − α²), f(t) = d ln α/dt and g(t)² = −2f(t). `discretize` is exactly DDPM's ancestral step on the grid.
 *
 * A network trained on integer steps i takes `timestep(t)` = N·t − 1 as its conditioning.
 *
 * @example
 * const sde = new DdpmSde({ schedule: 'cosine' });
 * sde.alphaBar(999);        // ᾱ at the last step
 * sde.timeOfStep(0);        // 1/N
 */
export class DdpmSde extends LinearSde {
  readonly name = 'ddpm' as const;
  readonly N: number;
  readonly samplingEps: number;
  readonly priorStd = 1;
  readonly schedule: NonNullable<DdpmSdeConfig['schedule']>;
  /** β_0 … β_{N−1}. */
  readonly betas: Float64Array;
  /** ᾱ_0 … ᾱ_{N−1}. */
  readonly alphasCumprod: Float64Array;
  // Knots of ln α(t): at t = k/N, k = 0…N (ln α(0) = 0).
  private readonly logAlphaKnots: Float64Array;

  constructor(config: DdpmSdeConfig = {}) {
    super();
    checkDdpmConfig(config);
    this.schedule = config.schedule ?? 'linear';
    this.betas = ddpmBetas(config);
    this.N = this.betas.length;
    this.samplingEps = 1 / this.N;
    this.alphasCumprod = new Float64Array(this.N);
    this.logAlphaKnots = new Float64Array(this.N + 1);
    let logAlphaBar = 0;
    for (let i = 0; i < this.N; i++) {
      logAlphaBar += Math.log1p(-this.betas[i]);
      this.alphasCumprod[i] = Math.exp(logAlphaBar);
      this.logAlphaKnots[i + 1] = 0.5 * logAlphaBar;
    }
  }

  /** ᾱ_i for step i ∈ [0, N). */
  alphaBar(i: number): number {
    requireNumber('DdpmSde.alphaBar', 'i', i, (v) => Number.isInteger(v) && v >= 0 && v < this.N, `an integer in [0, ${this.N})`);
    return this.alphasCumprod[i];
  }

  /** The time t_i = (i+1)/N of step i. */
  timeOfStep(i: number): number {
    return (i + 1) / this.N;
  }

  /** The (fractional) step index N·t − 1 at time t: the conditioning input of a network trained on steps. */
  timestep(t: number): number {
    return this.N * t - 1;
  }

  private logAlpha(t: number): number {
    const u = Math.min(Math.max(t, 0), 1) * this.N;
    const k = Math.min(Math.floor(u), this.N - 1);
    return this.logAlphaKnots[k] + (u - k) * (this.logAlphaKnots[k + 1] - this.logAlphaKnots[k]);
  }

  driftRate(t: number): number {
    const k = Math.min(Math.floor(Math.min(Math.max(t, 0), 1) * this.N), this.N - 1);
    return this.N * (this.logAlphaKnots[k + 1] - this.logAlphaKnots[k]);
  }

  diffusion(t: number): number {
    return Math.sqrt(-2 * this.driftRate(t));
  }

  alpha(t: number): number {
    return Math.exp(this.logAlpha(t));
  }

  sigma(t: number): number {
    return Math.sqrt(-Math.expm1(2 * this.logAlpha(t)));
  }

  // σ/α grows monotonically in t: bisection on the piecewise-linear ln α is exact to float64 in 60 halvings.
  timeForNoiseRatio(ratio: number): number {
    requireNumber('DdpmSde.timeForNoiseRatio', 'ratio', ratio, (v) => v >= 0, 'a number ≥ 0');
    const target = -0.5 * Math.log1p(ratio * ratio); // ln α at which σ/α = ratio
    if (target < this.logAlphaKnots[this.N] - 1e-12) {
      throw new Error(`DdpmSde.timeForNoiseRatio: σ/α = ${ratio} exceeds its largest value ${this.sigma(1) / this.alpha(1)} (at t = 1)`);
    }
    let lo = 0;
    let hi = 1;
    for (let it = 0; it < 60; it++) {
      const mid = 0.5 * (lo + hi);
      if (this.logAlpha(mid) > target) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  }

  private segment(t: tf.Tensor): { k: tf.Tensor; u: tf.Tensor } {
    const u = tf.mul(tf.clipByValue(t, 0, 1), this.N);
    // Clamp in float before the cast: wasm's ClipByValue does not clamp int32 tensors.
    const k = tf.cast(tf.clipByValue(tf.floor(u), 0, this.N - 1), 'int32');
    return { k, u };
  }

  private logAlphaTensor(t: tf.Tensor): tf.Tensor {
    const { k, u } = this.segment(t);
    const knots = tf.tensor1d(Float32Array.from(this.logAlphaKnots));
    const left = tf.gather(knots, k);
    const right = tf.gather(knots, tf.add(k, tf.scalar(1, 'int32')));
    return tf.add(left, tf.mul(tf.sub(u, tf.cast(k, 'float32')), tf.sub(right, left)));
  }

  // Slopes are differenced in float64 first: in float32 the difference of two knots near −5 loses 3 digits.
  protected driftRateTensor(t: tf.Tensor): tf.Tensor {
    const slopes = new Float32Array(this.N);
    for (let k = 0; k < this.N; k++) slopes[k] = this.N * (this.logAlphaKnots[k + 1] - this.logAlphaKnots[k]);
    return tf.gather(tf.tensor1d(slopes), this.segment(t).k);
  }

  protected diffusionTensor(t: tf.Tensor): tf.Tensor {
    return tf.sqrt(tf.mul(this.driftRateTensor(t), -2));
  }

  protected alphaTensor(t: tf.Tensor): tf.Tensor {
    return tf.exp(this.logAlphaTensor(t));
  }

  protected sigmaTensor(t: tf.Tensor): tf.Tensor {
    return tf.sqrt(oneMinusExp(tf.mul(this.logAlphaTensor(t), 2)));
  }

  /** DDPM's ancestral forward step at step i = round(N·t − 1): f = (√(1−β_i) − 1)x, G = √β_i. */
  override discretize(x: tf.Tensor, t: tf.Tensor): { f: tf.Tensor; G: tf.Tensor } {
    return tf.tidy(() => {
      const i = tf.cast(tf.clipByValue(tf.round(tf.sub(tf.mul(t, this.N), 1)), 0, this.N - 1), 'int32');
      const beta = tf.gather(tf.tensor1d(Float32Array.from(this.betas)), i);
      const shape = [x.shape[0], ...new Array(x.rank - 1).fill(1)];
      return { f: tf.mul(tf.sub(tf.reshape(tf.sqrt(tf.sub(1, beta)), shape), 1), x), G: tf.sqrt(beta) };
    });
  }
}

// Every problem of a DDPM config at once (ddpmBetas, a plain function, stops at its first).
function checkDdpmConfig(config: DdpmSdeConfig): void {
  const read = new SdeOptionReader('DdpmSde');
  const schedule = config.schedule ?? 'linear';
  if (schedule !== 'linear' && schedule !== 'cosine') read.problem('schedule', `must be one of 'linear', 'cosine'; got ${JSON.stringify(schedule)}`, "one of 'linear', 'cosine'");
  read.number('N', config.N ?? 1000, 1000, (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2');
  const start = read.number('betaStart', config.betaStart ?? 1e-4, 1e-4, (v) => v > 0 && v < 1, 'a number in (0, 1)');
  read.number('betaEnd', config.betaEnd ?? 0.02, Math.max(start, 0.02), (v) => v >= start && v < 1, `a number in [betaStart (${start}), 1)`);
  read.number('cosineS', config.cosineS ?? 0.008, 0.008, (v) => v >= 0, 'a number ≥ 0');
  read.done();
}
