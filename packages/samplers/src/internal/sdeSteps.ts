import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { Prediction, Sde } from '@scorekit/sde';
import { transition } from './grids.js';

/** One predictor or corrector update: the new state, its mean (the state without the step's noise) and x̂₀. */
export interface StepOutput {
  readonly x: tf.Tensor;
  readonly mean: tf.Tensor;
  /** x̂₀ of the update's last evaluation, when the run asked for it. */
  readonly x0?: tf.Tensor;
}

/** Context of one update from time t to s < t. */
export interface StepContext {
  readonly sde: Sde;
  /** One counted evaluation of the denoiser at (x, t). */
  readonly predict: (x: tf.Tensor) => Prediction;
  readonly rng: Rng;
  readonly t: number;
  readonly s: number;
  /** Steps of the chain in use (score_sde's N of the discretisation the corrector's α comes from). */
  readonly steps: number;
  /** Whether to report x̂₀. */
  readonly wantX0: boolean;
}

/** A predictor or corrector step: registered by name so that configs and the CLI can name it. */
export type SdeStep = (x: tf.Tensor, c: StepContext) => StepOutput;

/** Builds a predictor from the PC sampler's options (`variance` for the ancestral one). */
export type PredictorFactory = (sde: Sde, options: { readonly variance?: AncestralVariance }) => SdeStep;
/** Builds a corrector from its signal-to-noise ratio and inner steps. */
export type CorrectorFactory = (snr: number, steps: number) => SdeStep;

const withX0 = (c: StepContext, p: Prediction) => (c.wantX0 ? { x0: p.x0 } : {});

/**
 * Euler–Maruyama on the reverse SDE dx = [f(t)x − g(t)²s]dt + g dw̄ over Δ = t − s
 * (score_sde sampling.py EulerMaruyamaPredictor: x_mean = x + drift·dt with dt = −Δ, x = x_mean + g√Δ·z).
 */
export const eulerMaruyamaStep: SdeStep = (x, c) => {
  const dt = c.t - c.s;
  const f = c.sde.driftRate(c.t);
  const g = c.sde.diffusion(c.t);
  const p = c.predict(x);
  const mean = tf.add(tf.mul(x, 1 - f * dt), tf.mul(p.score, g * g * dt));
  return { mean, x: tf.add(mean, tf.mul(c.rng.normal(x.shape), g * Math.sqrt(dt))), ...withX0(c, p) };
};

/**
 * The reverse-diffusion predictor (score_sde sampling.py ReverseDiffusionPredictor with sde.discretize): with the
 * forward step from s to t written x_t = x_s + f + G·z, f = (a − 1)x, G² = v, the update is
 * x_mean = x − f + G²·s, x = x_mean + G·z. On score_sde's own grid a = √(1 − β_i), v = β_i (VP) and a = 1,
 * v = σ_i² − σ_{i−1}² (VE), as in its discretize.
 */
export const reverseDiffusionStep: SdeStep = (x, c) => {
  const { a, v } = transition(c.sde, c.t, c.s);
  const p = c.predict(x);
  const mean = tf.add(tf.mul(x, 2 - a), tf.mul(p.score, v));
  return { mean, x: tf.add(mean, tf.mul(c.rng.normal(x.shape), Math.sqrt(v))), ...withX0(c, p) };
};

/** The variance of the ancestral step: DDPM's β (score_sde for VP) or the posterior β̃ (score_sde for VE). */
export type AncestralVariance = 'beta' | 'posterior';

/**
 * Ancestral sampling (score_sde sampling.py AncestralSamplingPredictor; Ho et al. 2020): x_mean = (x + v·s)/a,
 * which is (x + β·s)/√(1 − β) for VP and x + (σ_i² − σ_{i−1}²)·s for VE; the noise has variance v (β, score_sde's
 * VP choice) or the posterior variance v·σ(s)²/σ(t)² (score_sde's VE choice, DDPM's β̃).
 */
export function ancestralStep(variance: AncestralVariance): SdeStep {
  return (x, c) => {
    const { a, v } = transition(c.sde, c.t, c.s);
    const p = c.predict(x);
    const mean = tf.div(tf.add(x, tf.mul(p.score, v)), a);
    const sigmaT = c.sde.sigma(c.t);
    const var_ = variance === 'beta' ? v : (v * c.sde.sigma(c.s) ** 2) / (sigmaT * sigmaT);
    return { mean, x: tf.add(mean, tf.mul(c.rng.normal(x.shape), Math.sqrt(var_))), ...withX0(c, p) };
  };
}

export const noneStep: SdeStep = (x) => ({ x: tf.clone(x), mean: tf.clone(x) });

/**
 * score_sde's α of the Langevin corrector (Song et al. 2021, Alg. 5): 1 − β_i of the N-step chain in use, where
 * β_i = β(t_i)/N on VP and sub-VP, 1 on VE — written for any linear SDE as 1 + 2f(t)·T/N, since f = −β/2 on
 * VP-type SDEs and 0 on VE.
 */
function correctorAlpha(c: StepContext, chainSteps: number): number {
  const alpha = 1 + (2 * c.sde.driftRate(c.t) * c.sde.T) / chainSteps;
  if (!(alpha > 0)) {
    // score_sde's formula has no meaning here (its step would be negative and the noise NaN).
    const need = Math.floor(-2 * c.sde.driftRate(c.t) * c.sde.T) + 1;
    throw new Error(`pc: the corrector's α = 1 − βᵢ is ${alpha} ≤ 0 at t = ${c.t} on a ${chainSteps}-step chain; use at least ${need} steps, or corrector 'none'`);
  }
  return alpha;
}

/**
 * The Langevin corrector (score_sde sampling.py LangevinCorrector): per inner step, with ‖·‖ the per-sample norm
 * averaged over the batch, ε = 2α(snr·‖z‖/‖s‖)², x_mean = x + ε·s, x = x_mean + √(2ε)·z.
 */
export function langevinCorrector(snr: number, steps: number): SdeStep {
  return (x0, c) => {
    const alpha = correctorAlpha(c, c.steps);
    let x = x0;
    let mean = x0;
    let p: Prediction | null = null;
    for (let k = 0; k < steps; k++) {
      p = c.predict(x);
      const grad = p.score;
      const noise = c.rng.normal(x.shape);
      const eps = 2 * alpha * ((snr * meanNorm(noise)) / meanNorm(grad)) ** 2;
      mean = tf.add(x, tf.mul(grad, eps));
      x = tf.add(mean, tf.mul(noise, Math.sqrt(2 * eps)));
    }
    return { x: steps === 0 ? tf.clone(x0) : x, mean: steps === 0 ? tf.clone(x0) : mean, ...(p ? withX0(c, p) : {}) };
  };
}

/**
 * NCSN's annealed Langevin step as a corrector (score_sde sampling.py AnnealedLangevinDynamics):
 * ε = 2α(snr·σ(t))².
 */
export function aldCorrector(snr: number, steps: number): SdeStep {
  return (x0, c) => {
    const alpha = correctorAlpha(c, c.steps);
    const eps = 2 * alpha * (snr * c.sde.sigma(c.t)) ** 2;
    let x = x0;
    let mean = x0;
    let p: Prediction | null = null;
    for (let k = 0; k < steps; k++) {
      p = c.predict(x);
      mean = tf.add(x, tf.mul(p.score, eps));
      x = tf.add(mean, tf.mul(c.rng.normal(x.shape), Math.sqrt(2 * eps)));
    }
    return { x: steps === 0 ? tf.clone(x0) : x, mean: steps === 0 ? tf.clone(x0) : mean, ...(p ? withX0(c, p) : {}) };
  };
}

/** Mean over the batch of the per-sample L2 norm (a plain number). */
function meanNorm(v: tf.Tensor): number {
  return tf.tidy(() => tf.mean(tf.norm(tf.reshape(v, [v.shape[0], -1]), 'euclidean', 1)).dataSync()[0]);
}

/** score_sde's choice: the posterior variance on VE, β on VP-type SDEs. */
export function defaultAncestralVariance(sde: Sde): AncestralVariance {
  return sde.name === 've' ? 'posterior' : 'beta';
}
