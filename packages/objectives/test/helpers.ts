import * as tf from '@tensorflow/tfjs-core';
import { Rng, tanh } from '@scorekit/core';
import { GaussianMixture } from '@scorekit/data';
import { DdpmSde, predictionFrom, tidyPrediction, timeCoefficients, type PredictionKind, type Sde } from '@scorekit/sde';
import type { DenoiserModel, ScoreFunction } from '../src/index.js';

/** A 2D mixture with unequal weights, an isotropic and a diagonal component: its score is far from linear. */
export const mixture = new GaussianMixture({
  weights: [0.6, 0.4],
  means: [[1, -0.5], [-1.5, 1]],
  stds: [0.5, [0.8, 0.3]],
});

/** A single Gaussian N(μ, s²I) in d dimensions: every objective's expectation has a closed form for it. */
export function gaussian(mean: number[], std: number): GaussianMixture {
  return new GaussianMixture({ weights: [1], means: [mean], stds: [std] });
}

/**
 * The exact score of p_t of `data` under `sde`, dressed as a DenoiserModel whose raw output is of kind `kind`;
 * `transform` perturbs that raw output (e.g. raw·(1 + c)) before it is converted to all four parameterisations —
 * the way the models package converts a network's output.
 */
export function exactDenoiser(data: GaussianMixture, sde: Sde, kind: PredictionKind, transform: (raw: tf.Tensor) => tf.Tensor = (r) => r): DenoiserModel {
  const score = data.scoreFn(sde);
  return {
    sde,
    predict: (x, t) =>
      tidyPrediction(() => {
        const { tVec, alpha, sigma } = timeCoefficients(sde, t, x);
        const raw = predictionFrom('score', score(x, tVec), x, alpha, sigma)[kind];
        return predictionFrom(kind, transform(raw), x, alpha, sigma);
      }),
  };
}

/** A scaling perturbation r ↦ r·(1 + c). */
export const scaleBy = (c: number) => (raw: tf.Tensor) => tf.mul(raw, 1 + c);

/** The exact score of the σ-perturbed data (a noise-free ScoreFunction), optionally scaled. */
export function exactScore(data: GaussianMixture, sigma = 0, scale = 1): ScoreFunction {
  const perturbed = sigma > 0 ? data.perturbed(1, sigma) : data;
  return (x) => tf.tidy(() => tf.mul(perturbed.score(x), scale));
}

/**
 * A small 2 → h → 2 score network s(x) = W₂ᵀ act(W₁ᵀx + b₁) + b₂ with random weights. `act` defaults to core's
 * second-order-safe tanh.
 */
export function tinyScoreNet(seed: number, hidden = 8, act: (x: tf.Tensor) => tf.Tensor = tanh): { score: ScoreFunction; variables: tf.Variable[] } {
  const rng = new Rng(seed);
  const w1 = tf.variable(rng.normal([2, hidden], 0, 0.8));
  const b1 = tf.variable(rng.normal([hidden], 0, 0.3));
  const w2 = tf.variable(rng.normal([hidden, 2], 0, 0.5));
  const b2 = tf.variable(rng.normal([2], 0, 0.2));
  const score: ScoreFunction = (x) => tf.tidy(() => tf.add(tf.matMul(act(tf.add(tf.matMul(x, w1), b1)), w2), b2));
  return { score, variables: [w1, b1, w2, b2] };
}

/** Mean and standard error of a sample. */
export function meanAndSe(values: ArrayLike<number>): { mean: number; se: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}

/** Reads a tensor to a float64 array and disposes it. */
export function take(t: tf.Tensor): Float64Array {
  const out = Float64Array.from(t.dataSync());
  t.dispose();
  return out;
}

/** Reads a scalar tensor and disposes it. */
export function scalar(t: tf.Tensor): number {
  return take(t)[0];
}

/**
 * Derivative statistics of a loss L(c) along a perturbation scale c, from K batches with common random numbers
 * (each batch evaluates L(−δ), L(0), L(δ) with the same seed). Every objective here is a quadratic in c, so the
 * central differences are exact: b = L′(0) and C = L″/2 per batch.
 */
export function derivativeStats(loss: (c: number, seed: number) => number, batches: number, delta = 0.1): { slope: { mean: number; se: number }; curvature: { mean: number; se: number } } {
  const b: number[] = [];
  const C: number[] = [];
  for (let k = 0; k < batches; k++) {
    const seed = 1000 + 7919 * k;
    const lm = loss(-delta, seed);
    const l0 = loss(0, seed);
    const lp = loss(delta, seed);
    b.push((lp - lm) / (2 * delta));
    C.push((lp + lm - 2 * l0) / (2 * delta * delta));
  }
  return { slope: meanAndSe(b), curvature: meanAndSe(C) };
}

/** Float64 composite Simpson's rule of f on [a, b] with `m` (even) intervals in the variable u = ln t. */
export function integrateLog(f: (t: number) => number, a: number, b: number, m = 4000): number {
  const la = Math.log(a);
  const h = (Math.log(b) - la) / m;
  let s = 0;
  for (let i = 0; i <= m; i++) {
    const t = Math.exp(la + i * h);
    s += (i === 0 || i === m ? 1 : i % 2 === 1 ? 4 : 2) * f(t) * t;
  }
  return (s * h) / 3;
}

/**
 * True while `DdpmSde.marginalCoefficients` fails at t = 1 on the current backend: on wasm, `tf.clipByValue` leaves
 * int32 values above the bound in place, so `DdpmSde`'s knot index at t = 1 is N and the gather fails ("GatherV2:
 * the index value 1001 is not in [0, 1000]"). That is a bug in packages/sde (or core's wasm kernels), reported to
 * the lead; the DDPM-chain tests that reach step N − 1 skip themselves, with that note, until it is fixed.
 */
export function ddpmChainBrokenAtT1(): boolean {
  try {
    tf.tidy(() => new DdpmSde().marginalCoefficients(tf.tensor1d([1])).alpha.dataSync());
    return false;
  } catch {
    return true;
  }
}
