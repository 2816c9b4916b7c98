import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { predictionFrom, tidyPrediction, type Prediction } from './parameterisation.js';
import type { ScoreFn, Sde } from './Sde.js';

/** What a caller hands a denoiser on every call (objectives pass training options, samplers labels). */
export interface DenoiserCallOptions {
  /** Training mode (dropout on); default false. */
  readonly training?: boolean;
  /** Source of dropout masks in training mode. */
  readonly rng?: Rng;
  /** Per-sample class labels (int32 [n]) for conditional models. */
  readonly labels?: tf.Tensor;
}

/**
 * The one prediction contract of scorekit: a model of p_t for the forward SDE it belongs to, predicting at
 * (x, t) from one network call a {@link Prediction} readable as score, ε̂, x̂₀ or v̂. Score models implement it,
 * analytic mixtures are lifted into it ({@link denoiserFromScore}), objectives train it, samplers and guidance
 * read it. `x` is [n, ...dims]; `t` is [n] per-sample times, or one number for the whole batch (then α(t) and
 * σ(t) are exact float64 numbers). Samples must be treated independently (no batch statistics).
 *
 * @example
 * const p = model.predict(x, 0.5);   // one network call
 * const x0 = p.x0, score = p.score;  // each derived on access
 */
export interface Denoiser {
  /** The forward SDE: x_t = α(t)·x₀ + σ(t)·ε. */
  readonly sde: Sde;
  predict(x: tf.Tensor, t: tf.Tensor | number, options?: DenoiserCallOptions): Prediction;
  /**
   * Optional: the same model read in the scaled variable x̄ = x/α at the noise level σ̄ = σ/α — k-diffusion's
   * D(x̄; σ̄) — without mapping σ̄ to a time and back. The returned prediction is of x̄ (its α is 1, its σ is σ̄);
   * its x̂₀ is the same clean-data estimate `predict(α·x̄, t(σ̄)).x0` gives. EDM Heun uses it where it exists (a
   * denoiser that is native in σ, such as an exact mixture's or an EDM-preconditioned network, keeps float32
   * round-off at k-diffusion's level); a transform that changes `predict` must change or drop this too.
   */
  readonly predictAtNoise?: (xbar: tf.Tensor, sigmaBar: number, options?: DenoiserCallOptions) => Prediction;
}

/**
 * Lifts a score function of `sde`'s marginals — an analytic mixture's exact score, say — into a {@link Denoiser}
 * whose raw prediction is the score.
 *
 * @example
 * const denoiser = denoiserFromScore(sde, mixture.scoreFn(sde));
 * const x0 = denoiser.predict(x, 0.3).x0; // Tweedie's formula
 */
export function denoiserFromScore(sde: Sde, score: ScoreFn): Denoiser {
  if (sde == null || typeof sde.marginalCoefficients !== 'function') throw new Error('denoiserFromScore: sde must be an Sde');
  if (typeof score !== 'function') throw new Error('denoiserFromScore: score must be a function (x, t) => tensor shaped like x');
  return {
    sde,
    predict(x, t) {
      return tidyPrediction(() => {
        const { tVec, alpha, sigma } = timeCoefficients(sde, t, x);
        return predictionFrom('score', score(x, tVec), x, alpha, sigma);
      });
    },
  };
}

/**
 * The per-sample time tensor and α(t), σ(t) of a denoiser call: for a number t, α and σ are float64 numbers and
 * tVec a fresh [n] tensor; for a tensor t ([n]), α and σ are [n] tensors from the SDE's tensor path.
 */
export function timeCoefficients(sde: Sde, t: tf.Tensor | number, x: tf.Tensor): { tVec: tf.Tensor; alpha: number | tf.Tensor; sigma: number | tf.Tensor } {
  if (typeof t === 'number') {
    if (!Number.isFinite(t)) throw new Error(`t must be a finite number or an [n] tensor; got ${t}`);
    return { tVec: tf.fill([x.shape[0]], t), alpha: sde.alpha(t), sigma: sde.sigma(t) };
  }
  const { alpha, sigma } = sde.marginalCoefficients(t);
  if (t.shape[0] !== x.shape[0]) throw new Error(`t must have shape [${x.shape[0]}] (one per sample of x [${x.shape.join(',')}]); got [${t.shape.join(',')}]`);
  return { tVec: t, alpha, sigma };
}

/**
 * The score function s(x, t) of a denoiser (for code written against {@link ScoreFn}: likelihood, reverse SDEs).
 *
 * @example
 * const { logp } = await likelihood(x, { score: scoreOf(model), sde: model.sde });
 */
export function scoreOf(denoiser: Denoiser, options?: DenoiserCallOptions): ScoreFn {
  return (x, t) => tf.tidy(() => denoiser.predict(x, t, options).score);
}
