import * as tf from '@tensorflow/tfjs-core';
import { sigmoid, softplus, type Rng } from '@scorekit/core';
import { bernoulli } from '../internal/bernoulli.js';
import { checkInteger } from '../internal/check.js';
import type { Rbm } from './Rbm.js';

/** Options of {@link rbmAnnealedImportanceSampling}. */
export interface RbmAisOptions {
  readonly rng: Rng;
  /** Independent AIS runs, default 100. */
  readonly runs?: number;
  /**
   * The inverse temperatures 0 = β₀ < β₁ < … < β_K = 1, or a number K of uniformly spaced steps. Default:
   * Salakhutdinov & Murray's spacing scaled to 1,000 steps (100 on [0, 0.5), 400 on [0.5, 0.9), 500 on [0.9, 1]).
   */
  readonly betas?: readonly number[] | number;
  /** Visible biases b_A of the base model (W = 0): default the RBM's own b; their log-odds of the data's means is better. */
  readonly baseVisibleBias?: tf.Tensor1D;
}

/** An AIS estimate of log Z. */
export interface RbmAisResult {
  /** log Ẑ = log Z_A + log mean wᵢ. */
  readonly logZ: number;
  /** Standard error of log Ẑ (delta method: std(w)/(√M · mean w)). */
  readonly standardError: number;
  /** Salakhutdinov & Murray's interval log(Ẑ ± 3σ̂), σ̂ the standard error of Ẑ (−∞ below when 3σ̂ ≥ Ẑ). */
  readonly interval: readonly [number, number];
  /** log Z_A of the base model. */
  readonly baseLogZ: number;
  /** log wᵢ of each run. */
  readonly logWeights: Float64Array;
}

/**
 * Annealed importance sampling (Neal 2001) estimate of an RBM's log partition function, as in Salakhutdinov &
 * Murray 2008, "On the quantitative analysis of deep belief networks": intermediate models
 * p*_β(v) = exp((1−β)vᵀb_A + βvᵀb) Πⱼ(1 + exp(β(cⱼ + vᵀW₋ⱼ))) bridge the base model (W = 0, visible biases b_A,
 * Z_A = 2^H Πᵢ(1 + e^{b_A,i})) to the RBM; each run draws v from the base, alternates one Gibbs step at each βₖ with
 * the weight update log w += log p*_{βₖ}(v) − log p*_{βₖ₋₁}(v), and log Ẑ = log Z_A + log mean w. Ẑ is unbiased,
 * so log Ẑ tends to underestimate log Z; its spread says how far to trust it.
 *
 * @example
 * const { logZ, standardError } = rbmAnnealedImportanceSampling(rbm, { rng, runs: 100, betas: 10_000 });
 */
export function rbmAnnealedImportanceSampling(rbm: Rbm, options: RbmAisOptions): RbmAisResult {
  const where = 'rbmAnnealedImportanceSampling';
  const runs = options.runs ?? 100;
  checkInteger(where, 'runs', runs, 2);
  const betas = resolveBetas(where, options.betas);
  const base = options.baseVisibleBias;
  if (base && (base.rank !== 1 || base.shape[0] !== rbm.visibleUnits)) {
    throw new Error(`${where}: baseVisibleBias must have shape [${rbm.visibleUnits}], got [${base.shape.join(', ')}]`);
  }
  const { rng } = options;
  const bA = base ? tf.clone(base) : tf.clone(rbm.visibleBias);
  // At β = 0 each hidden unit still sums over {0, 1}: Z₀ = 2^H Πᵢ(1 + e^{b_A,i}).
  const baseLogZ = tf.tidy(() => tf.sum(softplus(bA)).dataSync()[0]) + rbm.hiddenUnits * Math.LN2;
  // log p*_β(v) from the precomputed visible terms and hidden inputs x = c + vW.
  const logUnnormalised = (vbA: tf.Tensor, vb: tf.Tensor, x: tf.Tensor, beta: number) =>
    tf.add(tf.add(tf.mul(vbA, 1 - beta), tf.mul(vb, beta)), tf.sum(softplus(tf.mul(x, beta)), 1));
  let v = tf.tidy(() => bernoulli(tf.tile(tf.reshape(sigmoid(bA), [1, -1]), [runs, 1]) as tf.Tensor2D, rng));
  let logW = tf.zeros([runs]);
  for (let k = 1; k < betas.length; k++) {
    const [nextV, nextLogW] = tf.tidy(() => {
      const vbA = tf.sum(tf.mul(v, bA), 1);
      const vb = tf.sum(tf.mul(v, rbm.visibleBias), 1);
      const x = tf.add(tf.matMul(v, rbm.weights), rbm.hiddenBias);
      const w = tf.add(logW, tf.sub(logUnnormalised(vbA, vb, x, betas[k]), logUnnormalised(vbA, vb, x, betas[k - 1])));
      if (k === betas.length - 1) return [tf.clone(v), w];
      // One Gibbs step that leaves p_βₖ invariant: h ~ σ(β x), v ~ σ((1−β) b_A + β(b + Wh)).
      const h = bernoulli(sigmoid(tf.mul(x, betas[k])) as tf.Tensor2D, rng);
      const field = tf.add(tf.mul(bA, 1 - betas[k]), tf.mul(tf.add(tf.matMul(h, rbm.weights, false, true), rbm.visibleBias), betas[k]));
      return [bernoulli(sigmoid(field) as tf.Tensor2D, rng), w];
    });
    v.dispose();
    logW.dispose();
    v = nextV as tf.Tensor2D;
    logW = nextLogW;
  }
  const logWeights = Float64Array.from(logW.dataSync());
  for (const t of [v, logW, bA]) t.dispose();
  return summarise(baseLogZ, logWeights);
}

function summarise(baseLogZ: number, logWeights: Float64Array): RbmAisResult {
  const m = logWeights.length;
  let top = -Infinity;
  for (const lw of logWeights) top = Math.max(top, lw);
  let sum = 0;
  let sumSq = 0;
  for (const lw of logWeights) {
    const r = Math.exp(lw - top);
    sum += r;
    sumSq += r * r;
  }
  const mean = sum / m;
  const variance = Math.max(0, (sumSq / m - mean * mean) * (m / (m - 1)));
  const relative = Math.sqrt(variance / m) / mean;
  const logZ = baseLogZ + top + Math.log(mean);
  return {
    logZ,
    standardError: relative,
    interval: [logZ + (3 * relative < 1 ? Math.log(1 - 3 * relative) : -Infinity), logZ + Math.log(1 + 3 * relative)],
    baseLogZ,
    logWeights,
  };
}

function resolveBetas(where: string, betas: readonly number[] | number | undefined): number[] {
  if (betas === undefined) {
    const out: number[] = [];
    const segment = (from: number, to: number, count: number) => {
      for (let i = 0; i < count; i++) out.push(from + ((to - from) * i) / count);
    };
    segment(0, 0.5, 100);
    segment(0.5, 0.9, 400);
    segment(0.9, 1, 500);
    out.push(1);
    return out;
  }
  if (typeof betas === 'number') {
    checkInteger(where, 'betas (a step count)', betas, 1);
    return Array.from({ length: betas + 1 }, (_, i) => i / betas);
  }
  const ok = betas.length >= 2 && betas[0] === 0 && betas[betas.length - 1] === 1 && betas.every((b, i) => i === 0 || b > betas[i - 1]);
  if (!ok) throw new Error(`${where}: betas must increase strictly from 0 to 1 (at least two values), got [${betas.slice(0, 5).join(', ')}${betas.length > 5 ? ', …' : ''}]`);
  return [...betas];
}
