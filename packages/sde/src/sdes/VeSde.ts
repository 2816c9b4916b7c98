import * as tf from '@tensorflow/tfjs-core';
import { LinearSde } from '../LinearSde.js';
import { SdeOptionReader, requireNumber } from '../internal/validate.js';

/** Options of {@link VeSde}; defaults are score_sde's (`sde_lib.py VESDE`). */
export interface VeSdeConfig {
  /** σ_min, default 0.01. */
  readonly sigmaMin?: number;
  /** σ_max, default 50. */
  readonly sigmaMax?: number;
  /** Discretisation steps, default 1000. */
  readonly N?: number;
  /** Sampling end time, default 1e-5. */
  readonly samplingEps?: number;
}

/**
 * The variance-exploding SDE dx = σ(t)√(2 ln(σ_max/σ_min)) dw with σ(t) = σ_min(σ_max/σ_min)^t (NCSN in continuous
 * time). α(t) = 1, and — as in score_sde — the marginal std is σ(t) itself (the data are taken to be already
 * perturbed at σ_min). Prior N(0, σ_max²I).
 *
 * @example
 * const sde = new VeSde({ sigmaMax: 10 });
 * const x = sde.priorSample([64, 2], rng);
 */
export class VeSde extends LinearSde {
  readonly name = 've' as const;
  readonly sigmaMin: number;
  readonly sigmaMax: number;
  readonly N: number;
  readonly samplingEps: number;

  constructor(config: VeSdeConfig = {}) {
    super();
    const read = new SdeOptionReader('VeSde');
    this.sigmaMin = read.number('sigmaMin', config.sigmaMin ?? 0.01, 0.01, (v) => v > 0, 'a number > 0');
    this.sigmaMax = read.number('sigmaMax', config.sigmaMax ?? 50, 50, (v) => v > this.sigmaMin, `a number > sigmaMin (${this.sigmaMin})`);
    this.N = read.number('N', config.N ?? 1000, 1000, (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2');
    this.samplingEps = read.number('samplingEps', config.samplingEps ?? 1e-5, 1e-5, (v) => v > 0 && v < 1, 'in (0, 1)');
    read.done();
  }

  get priorStd(): number {
    return this.sigmaMax;
  }

  private get logRatio(): number {
    return Math.log(this.sigmaMax / this.sigmaMin);
  }

  driftRate(): number {
    return 0;
  }

  diffusion(t: number): number {
    return this.sigma(t) * Math.sqrt(2 * this.logRatio);
  }

  alpha(): number {
    return 1;
  }

  sigma(t: number): number {
    return this.sigmaMin * Math.exp(t * this.logRatio);
  }

  timeForNoiseRatio(ratio: number): number {
    requireNumber('VeSde.timeForNoiseRatio', 'ratio', ratio, (v) => v >= this.sigmaMin * (1 - 1e-9) && v <= this.sigmaMax * (1 + 1e-9), `in [σ_min, σ_max] = [${this.sigmaMin}, ${this.sigmaMax}]`);
    return Math.min(Math.max(Math.log(ratio / this.sigmaMin) / this.logRatio, 0), this.T);
  }

  protected driftRateTensor(t: tf.Tensor): tf.Tensor {
    return tf.zerosLike(t);
  }

  protected diffusionTensor(t: tf.Tensor): tf.Tensor {
    return tf.mul(this.sigmaTensor(t), Math.sqrt(2 * this.logRatio));
  }

  protected alphaTensor(t: tf.Tensor): tf.Tensor {
    return tf.onesLike(t);
  }

  protected sigmaTensor(t: tf.Tensor): tf.Tensor {
    return tf.mul(tf.exp(tf.mul(t, this.logRatio)), this.sigmaMin);
  }

  // score_sde VESDE.discretize: SMLD's chain over σ_i = geometric(σ_min, σ_max, N): f = 0, G = √(σ_i² − σ_{i−1}²).
  override discretize(x: tf.Tensor, t: tf.Tensor): { f: tf.Tensor; G: tf.Tensor } {
    return tf.tidy(() => {
      const i = tf.cast(this.discreteIndex(t), 'float32');
      const step = this.logRatio / (this.N - 1);
      const sigma = tf.mul(tf.exp(tf.mul(i, step)), this.sigmaMin);
      const previous = tf.where(tf.equal(i, 0), tf.zerosLike(sigma), tf.mul(tf.exp(tf.mul(tf.sub(i, 1), step)), this.sigmaMin));
      return { f: tf.zerosLike(x), G: tf.sqrt(tf.sub(tf.square(sigma), tf.square(previous))) };
    });
  }
}
