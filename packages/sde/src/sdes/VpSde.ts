import * as tf from '@tensorflow/tfjs-core';
import { LinearSde } from '../LinearSde.js';
import { oneMinusExp } from '../internal/oneMinusExp.js';
import { solveQuadratic } from '../internal/solveQuadratic.js';
import { SdeOptionReader, requireNumber } from '../internal/validate.js';

/** Options of {@link VpSde}; defaults are score_sde's (`sde_lib.py VPSDE`). */
export interface VpSdeConfig {
  /** β(0), default 0.1. */
  readonly betaMin?: number;
  /** β(1), default 20. */
  readonly betaMax?: number;
  /** Discretisation steps, default 1000. */
  readonly N?: number;
  /** Sampling end time, default 1e-3. */
  readonly samplingEps?: number;
}

/**
 * The variance-preserving SDE dx = −½β(t)x dt + √β(t) dw with β(t) = β₀ + t(β₁ − β₀) (DDPM in continuous time).
 * Marginal: α(t) = e^{lmc(t)}, σ(t) = √(1 − e^{2·lmc(t)}), lmc(t) = −¼t²(β₁−β₀) − ½tβ₀; prior N(0, I).
 *
 * @example
 * const sde = new VpSde();              // β 0.1 → 20
 * const { mean, std } = sde.marginal(x0, t);
 */
export class VpSde extends LinearSde {
  readonly name = 'vp' as const;
  readonly betaMin: number;
  readonly betaMax: number;
  readonly N: number;
  readonly samplingEps: number;
  readonly priorStd = 1;

  constructor(config: VpSdeConfig = {}) {
    super();
    const read = new SdeOptionReader('VpSde');
    this.betaMin = read.number('betaMin', config.betaMin ?? 0.1, 0.1, (v) => v > 0, 'a number > 0');
    this.betaMax = read.number('betaMax', config.betaMax ?? 20, 20, (v) => v > this.betaMin, `a number > betaMin (${this.betaMin})`);
    this.N = read.number('N', config.N ?? 1000, 1000, (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2');
    this.samplingEps = read.number('samplingEps', config.samplingEps ?? 1e-3, 1e-3, (v) => v > 0 && v < 1, 'in (0, 1)');
    read.done();
  }

  /** β(t). */
  beta(t: number): number {
    return this.betaMin + t * (this.betaMax - this.betaMin);
  }

  // score_sde VPSDE.marginal_prob: log_mean_coeff
  private logMeanCoeff(t: number): number {
    return -0.25 * t * t * (this.betaMax - this.betaMin) - 0.5 * t * this.betaMin;
  }

  driftRate(t: number): number {
    return -0.5 * this.beta(t);
  }

  diffusion(t: number): number {
    return Math.sqrt(this.beta(t));
  }

  alpha(t: number): number {
    return Math.exp(this.logMeanCoeff(t));
  }

  sigma(t: number): number {
    return Math.sqrt(-Math.expm1(2 * this.logMeanCoeff(t)));
  }

  // σ/α = √(e^{−2·lmc} − 1) = r  ⇔  ½t²(β₁−β₀) + tβ₀ = ln(1 + r²)   (dpm-solver NoiseScheduleVP.inverse_lambda)
  timeForNoiseRatio(ratio: number): number {
    requireNumber('VpSde.timeForNoiseRatio', 'ratio', ratio, (v) => v >= 0, 'a number ≥ 0');
    const t = solveQuadratic(0.5 * (this.betaMax - this.betaMin), this.betaMin, Math.log1p(ratio * ratio));
    if (t > this.T * (1 + 1e-9)) {
      throw new Error(`VpSde.timeForNoiseRatio: σ/α = ${ratio} exceeds its largest value ${this.sigma(this.T) / this.alpha(this.T)} (at t = T)`);
    }
    return Math.min(t, this.T);
  }

  protected driftRateTensor(t: tf.Tensor): tf.Tensor {
    return tf.mul(this.betaTensor(t), -0.5);
  }

  protected diffusionTensor(t: tf.Tensor): tf.Tensor {
    return tf.sqrt(this.betaTensor(t));
  }

  protected alphaTensor(t: tf.Tensor): tf.Tensor {
    return tf.exp(this.logMeanCoeffTensor(t));
  }

  protected sigmaTensor(t: tf.Tensor): tf.Tensor {
    return tf.sqrt(oneMinusExp(tf.mul(this.logMeanCoeffTensor(t), 2)));
  }

  // score_sde VPSDE.discretize: DDPM's step with β_i = linspace(β₀/N, β₁/N, N)[i], f = √(1−β_i)x − x, G = √β_i.
  override discretize(x: tf.Tensor, t: tf.Tensor): { f: tf.Tensor; G: tf.Tensor } {
    return tf.tidy(() => {
      const i = tf.cast(this.discreteIndex(t), 'float32');
      const N = this.N;
      const beta = tf.add(this.betaMin / N, tf.mul(i, (this.betaMax - this.betaMin) / (N * (N - 1))));
      const shape = [x.shape[0], ...new Array(x.rank - 1).fill(1)];
      return { f: tf.mul(tf.sub(tf.reshape(tf.sqrt(tf.sub(1, beta)), shape), 1), x), G: tf.sqrt(beta) };
    });
  }

  private betaTensor(t: tf.Tensor): tf.Tensor {
    return tf.add(this.betaMin, tf.mul(t, this.betaMax - this.betaMin));
  }

  private logMeanCoeffTensor(t: tf.Tensor): tf.Tensor {
    return tf.sub(tf.mul(tf.square(t), -0.25 * (this.betaMax - this.betaMin)), tf.mul(t, 0.5 * this.betaMin));
  }
}
