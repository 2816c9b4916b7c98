import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { ModelCallOptions } from './DenoiserModel.js';
import type { ObjectiveBatch } from './ObjectiveBatch.js';
import { REDUCTIONS, type Reduction } from './Reduction.js';
import type { ScoreFunction } from './ScoreFunction.js';
import { checkData, checkSameShape, readBatch } from './internal/batch.js';
import { callScore, modelCall } from './internal/models.js';
import { Problems, asRecord } from './internal/Problems.js';
import { reduceSquares } from './internal/reduce.js';

/** Options of {@link dsmLoss}. */
export interface DsmOptions {
  /** Noise level σ, default 0.01 (ermongroup/ncsn `dsm_score_estimation`). */
  readonly sigma?: number;
  /** Reduction over data dimensions, default 'sum' (½Σ, NCSN's). */
  readonly reduce?: Reduction;
  /** Passed to the model (default true); not a config option. */
  readonly training?: boolean;
}

/** {@link DsmOptions} with every default filled in. */
export interface ResolvedDsmOptions {
  readonly sigma: number;
  readonly reduce: Reduction;
}

/** The configurable option names (anything else in a config is an error). */
export const DSM_OPTION_NAMES: readonly string[] = ['sigma', 'reduce'];

/** Validates and completes the options of single-σ denoising score matching, reporting every problem at once. */
export function resolveDsmOptions(options: unknown): ResolvedDsmOptions {
  const p = new Problems('dsm');
  const o = asRecord('dsm', options);
  p.unknownKeys(o, DSM_OPTION_NAMES);
  const resolved = {
    sigma: p.num(o, 'sigma', 0.01, (v) => v > 0, 'a number > 0'),
    reduce: p.oneOf(o, 'reduce', 'sum', REDUCTIONS),
  };
  p.throwIfAny();
  return resolved;
}

/**
 * Per-sample denoising score matching at one σ for given standard-normal noise z (shaped like x): with
 * x̃ = x + σz and the target ∇log q(x̃|x) = −z/σ, the loss is reduce((s(x̃) + z/σ)²) — ½‖s(x̃) + z/σ‖² for
 * 'sum' (Vincent 2011; ermongroup/ncsn `dsm_score_estimation`). Its mean exceeds exact score matching on the
 * σ-perturbed data by the constant D/(2σ²).
 *
 * @example
 * const perSample = dsmLosses(score, x, rng.normal(x.shape), { sigma: 0.1 }); // [n]
 */
export function dsmLosses(
  score: ScoreFunction,
  x: tf.Tensor,
  noise: tf.Tensor,
  options: Omit<DsmOptions, 'training'> = {},
  call: ModelCallOptions = {},
): tf.Tensor {
  const where = 'dsm';
  const o = resolveDsmOptions(options);
  checkData(x, where, 'x');
  checkSameShape(x, noise, where, 'x', 'noise');
  return tf.tidy(() => {
    const perturbed = tf.add(x, tf.mul(noise, o.sigma));
    const s = callScore(score, perturbed, call, where);
    return reduceSquares(tf.add(s, tf.div(noise, o.sigma)), o.reduce);
  });
}

/**
 * Denoising score matching at one noise level σ for a noise-free score model of the σ-perturbed data: noise
 * z ~ N(0, I) is drawn from `rng` (before the model runs) and the per-sample losses of {@link dsmLosses} are
 * averaged over the batch.
 *
 * @example
 * const loss = dsmLoss((x) => net.apply(x), x, rng, { sigma: 0.1 });
 */
export function dsmLoss(score: ScoreFunction, batch: ObjectiveBatch, rng: Rng, options: DsmOptions = {}): tf.Scalar {
  const { training, ...rest } = options;
  const o = resolveDsmOptions(rest);
  const { x, labels } = readBatch(batch, 'dsm');
  return tf.tidy(() => {
    const noise = rng.normal(x.shape);
    return tf.mean(dsmLosses(score, x, noise, o, modelCall(training, rng, labels))) as tf.Scalar;
  });
}
