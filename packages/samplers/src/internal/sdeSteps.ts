import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@scorekit/core';
import type { ScoreFn, Sde } from '@scorekit/sde';
import { transition } from './grids.js';

/** One predictor or corrector update: the new state and its mean (the state without the step's noise). */
export interface StepOutput {
  readonly x: tf.Tensor;
  readonly mean: tf.Tensor;
}

/** Context of one update from time t to s < t. */
export interface StepContext {
  readonly sde: Sde;
  readonly score: ScoreFn;
  readonly rng: Rng;
  readonly t: number;
  readonly s: number;
  /** Per-sample t, [n]. */
  readonly tVec: tf.Tensor;
}

export type Predictor = (x: tf.Tensor, c: StepContext) => StepOutput;
export type Corrector = (x: tf.Tensor, c: StepContext) => StepOutput;

export const PREDICTOR_NAMES = ['euler-maruyama', 'reverse-diffusion', 'ancestral', 'none'] as const;
export type PredictorName = (typeof PREDICTOR_NAMES)[number];
export const CORRECTOR_NAMES = ['langevin', 'ald', 'none'] as const;
export type CorrectorName = (typeof CORRECTOR_NAMES)[number];

/**
 * Euler–Maruyama on the reverse SDE dx = [f(t)x − g(t)²s]dt + g dw̄ over Δ = t − s
 * (score_sde sampling.py EulerMaruyamaPredictor: x_mean = x + drift·dt with dt = −Δ, x = x_mean + g√Δ·z).
 */
export const eulerMaruyamaStep: Predictor = (x, c) => {
  const dt = c.t - c.s;
  const f = c.sde.driftRate(c.t);
  const g = c.sde.diffusion(c.t);
  const mean = tf.add(tf.mul(x, 1 - f * dt), tf.mul(c.score(x, c.tVec), g * g * dt));
  return { mean, x: tf.add(mean, tf.mul(c.rng.normal(x.shape), g * Math.sqrt(dt))) };
};

/**
 * The reverse-diffusion predictor (score_sde sampling.py ReverseDiffusionPredictor with sde.discretize): with the
 * forward step from s to t written x_t = x_s + f + G·z, f = (a − 1)x, G² = v, the update is
 * x_mean = x − f + G²·s, x = x_mean + G·z. On score_sde's own grid a = √(1 − β_i), v = β_i (VP) and a = 1,
 * v = σ_i² − σ_{i−1}² (VE), as in its discretize.
 */
export const reverseDiffusionStep: Predictor = (x, c) => {
  const { a, v } = transition(c.sde, c.t, c.s);
  const mean = tf.add(tf.mul(x, 2 - a), tf.mul(c.score(x, c.tVec), v));
  return { mean, x: tf.add(mean, tf.mul(c.rng.normal(x.shape), Math.sqrt(v))) };
};

/** The variance of the ancestral step: DDPM's β (score_sde for VP) or the posterior β̃ (score_sde for VE). */
export type AncestralVariance = 'beta' | 'posterior';

/**
 * Ancestral sampling (score_sde sampling.py AncestralSamplingPredictor; Ho et al. 2020): x_mean = (x + v·s)/a,
 * which is (x + β·s)/√(1 − β) for VP and x + (σ_i² − σ_{i−1}²)·s for VE; the noise has variance v (β, score_sde's
 * VP choice) or the posterior variance v·σ(s)²/σ(t)² (score_sde's VE choice, DDPM's β̃).
 */
export function ancestralStep(variance: AncestralVariance): Predictor {
  return (x, c) => {
    const { a, v } = transition(c.sde, c.t, c.s);
    const mean = tf.div(tf.add(x, tf.mul(c.score(x, c.tVec), v)), a);
    const sigmaT = c.sde.sigma(c.t);
    const var_ = variance === 'beta' ? v : (v * c.sde.sigma(c.s) ** 2) / (sigmaT * sigmaT);
    return { mean, x: tf.add(mean, tf.mul(c.rng.normal(x.shape), Math.sqrt(var_))) };
  };
}

export const nonePredictor: Predictor = (x) => ({ x: tf.clone(x), mean: tf.clone(x) });

/**
 * score_sde's α of the Langevin corrector: 1 − β_i for VP and sub-VP (β_i = β(t)/N), 1 for VE — written for any
 * linear SDE as 1 + 2f(t)·T/N, since f = −β/2 on VP-type SDEs and 0 on VE.
 */
function correctorAlpha(sde: Sde, t: number): number {
  return 1 + (2 * sde.driftRate(t) * sde.T) / sde.N;
}

/**
 * The Langevin corrector (score_sde sampling.py LangevinCorrector): per inner step, with ‖·‖ the per-sample norm
 * averaged over the batch, ε = 2α(snr·‖z‖/‖s‖)², x_mean = x + ε·s, x = x_mean + √(2ε)·z.
 */
export function langevinCorrector(snr: number, steps: number): Corrector {
  return (x0, c) => {
    const alpha = correctorAlpha(c.sde, c.t);
    let x = x0;
    let mean = x0;
    for (let k = 0; k < steps; k++) {
      const grad = c.score(x, c.tVec);
      const noise = c.rng.normal(x.shape);
      const gradNorm = meanNorm(grad);
      const noiseNorm = meanNorm(noise);
      const eps = 2 * alpha * ((snr * noiseNorm) / gradNorm) ** 2;
      mean = tf.add(x, tf.mul(grad, eps));
      x = tf.add(mean, tf.mul(noise, Math.sqrt(2 * eps)));
    }
    return { x: steps === 0 ? tf.clone(x0) : x, mean: steps === 0 ? tf.clone(x0) : mean };
  };
}

/**
 * NCSN's annealed Langevin step as a corrector (score_sde sampling.py AnnealedLangevinDynamics):
 * ε = 2α(snr·σ(t))².
 */
export function aldCorrector(snr: number, steps: number): Corrector {
  return (x0, c) => {
    const alpha = correctorAlpha(c.sde, c.t);
    const eps = 2 * alpha * (snr * c.sde.sigma(c.t)) ** 2;
    let x = x0;
    let mean = x0;
    for (let k = 0; k < steps; k++) {
      mean = tf.add(x, tf.mul(c.score(x, c.tVec), eps));
      x = tf.add(mean, tf.mul(c.rng.normal(x.shape), Math.sqrt(2 * eps)));
    }
    return { x: steps === 0 ? tf.clone(x0) : x, mean: steps === 0 ? tf.clone(x0) : mean };
  };
}

export const noneCorrector: Corrector = (x) => ({ x: tf.clone(x), mean: tf.clone(x) });

/** Mean over the batch of the per-sample L2 norm (a plain number). */
function meanNorm(v: tf.Tensor): number {
  return tf.tidy(() => tf.mean(tf.norm(tf.reshape(v, [v.shape[0], -1]), 'euclidean', 1)).dataSync()[0]);
}

export function predictorByName(name: PredictorName, sde: Sde, variance?: AncestralVariance): Predictor {
  switch (name) {
    case 'euler-maruyama':
      return eulerMaruyamaStep;
    case 'reverse-diffusion':
      return reverseDiffusionStep;
    case 'ancestral':
      return ancestralStep(variance ?? defaultAncestralVariance(sde));
    case 'none':
      return nonePredictor;
  }
}

export function correctorByName(name: CorrectorName, snr: number, steps: number): Corrector {
  if (name === 'langevin') return langevinCorrector(snr, steps);
  if (name === 'ald') return aldCorrector(snr, steps);
  return noneCorrector;
}

/** score_sde's choice: the posterior variance on VE, β on VP-type SDEs. */
export function defaultAncestralVariance(sde: Sde): AncestralVariance {
  return sde.name === 've' ? 'posterior' : 'beta';
}
