import * as tf from '@tensorflow/tfjs-core';
import { LinearSde } from '../LinearSde.js';
import { oneMinusExp } from '../internal/oneMinusExp.js';
import { solveQuadratic } from '../internal/solveQuadratic.js';
import { SdeOptionReader, requireNumber } from '../internal/validate.js';
import type { VpSdeConfig } from './VpSde.js';

/** Options of {@link SubVpSde}: the same as the VP SDE's (β 0.1 → 20, N 1000, sampling eps 1e-3). */
export type SubVpSdeConfig = VpSdeConfig;

/**
 * The sub-VP SDE of Song et al. (2021): VP's drift with a smaller diffusion √(β(t)(1 − e^{−2β₀t − (β₁−β₀)t²})),
 * so the marginal std is σ(t) = 1 − e^{2·lmc(t)} (no square root) — always below VP's (score_sde
 * `sde_lib.py subVPSDE`). Prior N(0, I).
 *
 * @example
 * const sde = new SubVpSde();
 * sde.sigma(0.5); // 1 − e^{2·lmc(0.5)}
 */
export class SubVpSde extends LinearSde {
  readonly name = 'subvp' as const;
  readonly betaMin: number;
  readonly betaMax: number;
  readonly N: number;
  readonly samplingEps: number;
  readonly priorStd = 1;

  constructor(config: SubVpSdeConfig = {}) {
    super();
    const read = new SdeOptionReader('SubVpSde');
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

  private logMeanCoeff(t: number): number {
    return -0.25 * t * t * (this.betaMax - this.betaMin) - 0.5 * t * this.betaMin;
  }

  driftRate(t: number): number {
    return -0.5 * this.beta(t);
  }

  // −2β₀t − (β₁−β₀)t² = 4·lmc(t)
  diffusion(t: number): number {
    return Math.sqrt(this.beta(t) * -Math.expm1(4 * this.logMeanCoeff(t)));
  }

  alpha(t: number): number {
    return Math.exp(this.logMeanCoeff(t));
  }

  sigma(t: number): number {
    return -Math.expm1(2 * this.logMeanCoeff(t));
  }

  // σ/α = e^{−lmc} − e^{lmc} = 2·sinh(−lmc) = r  ⇔  ½t²(β₁−β₀) + tβ₀ = 2·asinh(r/2)
  timeForNoiseRatio(ratio: number): number {
    requireNumber('SubVpSde.timeForNoiseRatio', 'ratio', ratio, (v) => v >= 0, 'a number ≥ 0');
    const t = solveQuadratic(0.5 * (this.betaMax - this.betaMin), this.betaMin, 2 * Math.asinh(ratio / 2));
    if (t > this.T * (1 + 1e-9)) {
      throw new Error(`SubVpSde.timeForNoiseRatio: σ/α = ${ratio} exceeds its largest value ${this.sigma(this.T) / this.alpha(this.T)} (at t = T)`);
    }
    return Math.min(t, this.T);
  }

  protected driftRateTensor(t: tf.Tensor): tf.Tensor {
    return tf.mul(this.betaTensor(t), -0.5);
  }

  protected diffusionTensor(t: tf.Tensor): tf.Tensor {
    return tf.sqrt(tf.mul(this.betaTensor(t), oneMinusExp(tf.mul(this.logMeanCoeffTensor(t), 4))));
  }

  protected alphaTensor(t: tf.Tensor): tf.Tensor {
    return tf.exp(this.logMeanCoeffTensor(t));
  }

  protected sigmaTensor(t: tf.Tensor): tf.Tensor {
    return oneMinusExp(tf.mul(this.logMeanCoeffTensor(t), 2));
  }

  private betaTensor(t: tf.Tensor): tf.Tensor {
    return tf.add(this.betaMin, tf.mul(t, this.betaMax - this.betaMin));
  }

  private logMeanCoeffTensor(t: tf.Tensor): tf.Tensor {
    return tf.sub(tf.mul(tf.square(t), -0.25 * (this.betaMax - this.betaMin)), tf.mul(t, 0.5 * this.betaMin));
  }
}
