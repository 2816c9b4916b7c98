import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@scorekit/core';
import type { Predictions, Sde } from '@scorekit/sde';

/** What an objective hands the model on every call. */
export interface ModelCallOptions {
  /** Training mode (dropout on). Objectives pass `true` unless told otherwise. */
  readonly training?: boolean;
  /** Source of dropout masks; objectives pass the loss's own `rng` after drawing their noise. */
  readonly rng?: Rng;
  /** Per-sample class labels (int32 [n]) for conditional models, taken from the batch. */
  readonly labels?: tf.Tensor;
}

/**
 * The structural interface the time-conditioned objectives (NCSN, DDPM, continuous-time DSM, EDM) need from a
 * model: its SDE, and its prediction at (x, t) in all four parameterisations. A model whose network outputs any one
 * of score, ε, x₀ or v (or EDM's preconditioned D = x₀) implements `predictions` by converting its raw output with
 * `predictionsFrom(kind, raw, x, α(t), σ(t))` from `@scorekit/sde`; each objective then reads the quantity its
 * formula is written in. `x` is [n, ...dims], `t` is [n] (float32); every field must be shaped like `x`. The model
 * must treat samples independently (no batch statistics): objectives evaluate per-sample losses.
 *
 * @example
 * const model: DenoiserModel = {
 *   sde,
 *   predictions: (x, t, options) => tf.tidy(() => {
 *     const { alpha, sigma } = sde.marginalCoefficients(t);
 *     return predictionsFrom('eps', network.apply(x, tf.mul(t, 999), options), x, alpha, sigma);
 *   }),
 * };
 * const loss = continuousDsmLoss(model, x0, rng, { weighting: 'likelihood', importanceSampling: true });
 */
export interface DenoiserModel {
  /** The forward SDE the model was built for: x_t = α(t)·x₀ + σ(t)·ε. */
  readonly sde: Sde;
  /** The model's prediction at (x, t), as score, ε̂, x̂₀ and v̂. */
  predictions(x: tf.Tensor, t: tf.Tensor, options?: ModelCallOptions): Predictions;
}
