import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { ModelCallOptions } from './DenoiserModel.js';
import type { ObjectiveBatch } from './ObjectiveBatch.js';
import type { ScoreFunction } from './ScoreFunction.js';
import { checkData, readBatch } from './internal/batch.js';
import { scoreAndTrace } from './internal/derivatives.js';
import { modelCall } from './internal/models.js';
import { Problems, asRecord } from './internal/Problems.js';
import { reduceSquares } from './internal/reduce.js';

/** Options of {@link exactScoreMatchingLoss}: none to configure; `training` is passed to the model (default true). */
export interface ExactScoreMatchingOptions {
  readonly training?: boolean;
}

/** Exact score matching has no configurable options. */
export type ResolvedExactScoreMatchingOptions = Record<string, never>;

/** The configurable option names (anything else in a config is an error). */
export const EXACT_SCORE_MATCHING_OPTION_NAMES: readonly string[] = [];

/** Validates the configurable options of exact score matching (there are none: any key is an error). */
export function resolveExactScoreMatchingOptions(options: unknown): ResolvedExactScoreMatchingOptions {
  const p = new Problems('exact-sm');
  p.unknownKeys(asRecord('exact-sm', options), EXACT_SCORE_MATCHING_OPTION_NAMES);
  p.throwIfAny();
  return {};
}

/**
 * Per-sample exact (Hyvärinen 2005) score-matching objective ½‖s(x)‖² + tr ∂s/∂x ([n]); its mean over data is
 * ½E‖s − ∇log p‖² minus a constant. The trace takes D backward passes (see {@link jacobianTrace}).
 *
 * @example
 * const perSample = exactScoreMatchingLosses(score, x); // [n]
 */
export function exactScoreMatchingLosses(score: ScoreFunction, x: tf.Tensor, call: ModelCallOptions = {}): tf.Tensor {
  const where = 'exact-sm';
  checkData(x, where, 'x');
  return tf.tidy(() => {
    const { value, trace } = scoreAndTrace(score, x, call, where);
    return tf.add(reduceSquares(value, 'sum'), trace);
  });
}

/**
 * Exact (Hyvärinen) score matching for a noise-free score model: E_x[½‖s(x)‖² + tr ∂s/∂x], averaged over the batch
 * (ermongroup/sliced_score_matching `losses/score_matching.py` `exact_score_matching`). Exact but
 * D backward passes per step, and differentiated twice when trained: use core's activations in the network.
 *
 * @example
 * const loss = exactScoreMatchingLoss((x) => net.apply(x), x, rng);
 */
export function exactScoreMatchingLoss(
  score: ScoreFunction,
  batch: ObjectiveBatch,
  rng: Rng,
  options: ExactScoreMatchingOptions = {},
): tf.Scalar {
  const { training, ...rest } = options;
  resolveExactScoreMatchingOptions(rest);
  const { x, labels } = readBatch(batch, 'exact-sm');
  return tf.tidy(() => tf.mean(exactScoreMatchingLosses(score, x, modelCall(training, rng, labels))) as tf.Scalar);
}
