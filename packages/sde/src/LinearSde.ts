import * as tf from '@tensorflow/tfjs-core';
import { checkPerSample, perSample, type Rng } from '@scorekit/core';
import type { ReverseSde, ScoreFn, Sde, SdeName } from './Sde.js';
import { reverseSde } from './reverseSde.js';

/**
 * Shared machinery of the linear SDEs dx = f(t)·x dt + g(t) dw: subclasses give the scalar schedule (f, g, α, σ,
 * its inverse) and its tensor form; this class turns them into drifts, marginals, priors and reverse processes.
 */
export abstract class LinearSde implements Sde {
  abstract readonly name: SdeName;
  readonly T: number = 1;
  abstract readonly N: number;
  abstract readonly samplingEps: number;
  /** Standard deviation of the Gaussian prior p_T = N(0, priorStd²·I). */
  abstract readonly priorStd: number;

  abstract driftRate(t: number): number;
  abstract diffusion(t: number): number;
  abstract alpha(t: number): number;
  abstract sigma(t: number): number;
  abstract timeForNoiseRatio(ratio: number): number;

  /** f(t) for per-sample t ([n] → [n]). */
  protected abstract driftRateTensor(t: tf.Tensor): tf.Tensor;
  /** g(t) for per-sample t. */
  protected abstract diffusionTensor(t: tf.Tensor): tf.Tensor;
  /** α(t) for per-sample t. */
  protected abstract alphaTensor(t: tf.Tensor): tf.Tensor;
  /** σ(t) for per-sample t. */
  protected abstract sigmaTensor(t: tf.Tensor): tf.Tensor;

  coefficients(x: tf.Tensor, t: tf.Tensor): { drift: tf.Tensor; diffusion: tf.Tensor } {
    checkPerSample(t, x, 't');
    return tf.tidy(() => ({
      drift: tf.mul(perSample(this.driftRateTensor(t), x), x),
      diffusion: this.diffusionTensor(t),
    }));
  }

  marginalCoefficients(t: tf.Tensor): { alpha: tf.Tensor; sigma: tf.Tensor } {
    if (t.rank !== 1) throw new Error(`t must be a rank-1 tensor of per-sample times; got shape [${t.shape.join(',')}]`);
    return tf.tidy(() => ({ alpha: this.alphaTensor(t), sigma: this.sigmaTensor(t) }));
  }

  marginal(x0: tf.Tensor, t: tf.Tensor): { mean: tf.Tensor; std: tf.Tensor } {
    checkPerSample(t, x0, 't');
    return tf.tidy(() => ({ mean: tf.mul(perSample(this.alphaTensor(t), x0), x0), std: this.sigmaTensor(t) }));
  }

  priorSample(shape: number[], rng: Rng): tf.Tensor {
    return rng.normal(shape, 0, this.priorStd);
  }

  priorLogp(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const n = z.shape[0];
      const d = z.size / n;
      const s2 = this.priorStd * this.priorStd;
      const sq = tf.sum(tf.reshape(tf.square(z), [n, d]), 1);
      return tf.sub(-0.5 * d * Math.log(2 * Math.PI * s2), tf.div(sq, 2 * s2));
    });
  }

  /** Euler–Maruyama discretisation with dt = T/N (score_sde `SDE.discretize`); VP and VE override it. */
  discretize(x: tf.Tensor, t: tf.Tensor): { f: tf.Tensor; G: tf.Tensor } {
    const dt = this.T / this.N;
    return tf.tidy(() => {
      const { drift, diffusion } = this.coefficients(x, t);
      return { f: tf.mul(drift, dt), G: tf.mul(diffusion, Math.sqrt(dt)) };
    });
  }

  reverse(score: ScoreFn, probabilityFlow = false): ReverseSde {
    return reverseSde(this, score, probabilityFlow);
  }

  /** Index of the discrete step for time t, as score_sde computes it: ⌊t·(N−1)/T⌋ (clamped to [0, N−1]). */
  protected discreteIndex(t: tf.Tensor): tf.Tensor {
    // Clamp in float before the cast: wasm's ClipByValue does not clamp int32 tensors.
    return tf.tidy(() => tf.cast(tf.clipByValue(tf.floor(tf.mul(t, (this.N - 1) / this.T)), 0, this.N - 1), 'int32'));
  }
}
