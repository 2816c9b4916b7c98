import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';

/**
 * A score function s(x, t) ≈ ∇ₓ log p_t(x). `x` is [n, ...dims]; `t` is [n], one time per sample. Returns a tensor
 * shaped like `x`. Models, analytic mixtures and guidance all hand samplers one of these.
 */
export type ScoreFn = (x: tf.Tensor, t: tf.Tensor) => tf.Tensor;

/** Names under which the SDEs are registered (configs and the CLI use these). */
export type SdeName = 've' | 'vp' | 'subvp' | 'ddpm';

/** The reverse-time SDE dx = [f − g²s]dt + g dw̄, or the probability-flow ODE dx = [f − ½g²s]dt (g = 0). */
export interface ReverseSde {
  readonly probabilityFlow: boolean;
  /** Reverse drift and diffusion at (x, t); diffusion is [n] (zeros for the ODE). */
  coefficients(x: tf.Tensor, t: tf.Tensor): { drift: tf.Tensor; diffusion: tf.Tensor };
  /** One reverse-diffusion step's mean shift f and noise scale G (score_sde `reverse().discretize`). */
  discretize(x: tf.Tensor, t: tf.Tensor): { f: tf.Tensor; G: tf.Tensor };
}

/**
 * A linear SDE dx = f(t)·x dt + g(t) dw on t ∈ [0, T], whose perturbation kernel is Gaussian:
 * p_0t(x_t | x_0) = N(α(t)·x_0, σ(t)² I). VE, VP and sub-VP are all of this form (score_sde `sde_lib.py`).
 *
 * Scalar methods take and return plain numbers (float64) for schedules and step planning; tensor methods take `t`
 * as [n] and broadcast over `x`'s trailing dimensions.
 */
export interface Sde {
  readonly name: SdeName;
  /** End time (1 for all of ours). */
  readonly T: number;
  /** Number of discretisation steps for `discretize` and default sampling (score_sde N, 1000). */
  readonly N: number;
  /** Default end time for sampling (score_sde: 1e-3 for VP/sub-VP, 1e-5 for VE). */
  readonly samplingEps: number;

  /** Drift rate f(t) (the drift is f(t)·x). */
  driftRate(t: number): number;
  /** Diffusion coefficient g(t). */
  diffusion(t: number): number;
  /** Mean coefficient α(t) of the perturbation kernel. */
  alpha(t: number): number;
  /** Standard deviation σ(t) of the perturbation kernel. */
  sigma(t: number): number;
  /** The time t at which σ(t)/α(t) equals `ratio` (monotone in t); clamps to [0, T] with an error outside range. */
  timeForNoiseRatio(ratio: number): number;

  /** Forward drift f(t)·x and diffusion g(t) ([n]). */
  coefficients(x: tf.Tensor, t: tf.Tensor): { drift: tf.Tensor; diffusion: tf.Tensor };
  /** α(t) and σ(t) for every sample ([n] each). */
  marginalCoefficients(t: tf.Tensor): { alpha: tf.Tensor; sigma: tf.Tensor };
  /** Mean α(t)·x₀ (shaped like x₀) and std σ(t) ([n]) of p_0t(·|x₀). */
  marginal(x0: tf.Tensor, t: tf.Tensor): { mean: tf.Tensor; std: tf.Tensor };
  /** Draws from the prior p_T. */
  priorSample(shape: number[], rng: Rng): tf.Tensor;
  /** log p_T(z) per sample ([n]). */
  priorLogp(z: tf.Tensor): tf.Tensor;
  /** Forward discretisation x_{i+1} = x_i + f + G·z at step t (score_sde `discretize`, N steps). */
  discretize(x: tf.Tensor, t: tf.Tensor): { f: tf.Tensor; G: tf.Tensor };
  /** The reverse SDE (or probability-flow ODE) driven by `score`. */
  reverse(score: ScoreFn, probabilityFlow?: boolean): ReverseSde;
}
