import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { ModelCallOptions } from './DenoiserModel.js';
import type { ObjectiveBatch } from './ObjectiveBatch.js';
import type { ScoreFunction } from './ScoreFunction.js';
import { checkData, checkSameShape, readBatch } from './internal/batch.js';
import { scoreAndSlicedTrace } from './internal/derivatives.js';
import { modelCall } from './internal/models.js';
import { Problems, asRecord } from './internal/Problems.js';
import { perSampleDot, reduceSquares } from './internal/reduce.js';
import { PROJECTION_KINDS, sampleProjections, type ProjectionKind } from './sampleProjections.js';

/** Options of {@link slicedScoreMatchingLoss}. */
export interface SlicedScoreMatchingOptions {
  /** Distribution of the projections v, default 'rademacher'. */
  readonly projection?: ProjectionKind;
  /** ½‖s‖² (true, default: sliced_sm.py `sliced_score_matching_vr`) or ½(vᵀs)² (false: `sliced_score_matching`). */
  readonly varianceReduced?: boolean;
  /** Projections per sample (sliced_sm.py n_particles), default 1. */
  readonly projections?: number;
  /** Passed to the model (default true); not a config option. */
  readonly training?: boolean;
}

/** {@link SlicedScoreMatchingOptions} with every default filled in. */
export interface ResolvedSlicedScoreMatchingOptions {
  readonly projection: ProjectionKind;
  readonly varianceReduced: boolean;
  readonly projections: number;
}

/** The configurable option names (anything else in a config is an error). */
export const SLICED_SCORE_MATCHING_OPTION_NAMES: readonly string[] = ['projection', 'varianceReduced', 'projections'];

/** Validates and completes the options of sliced score matching, reporting every problem at once. */
export function resolveSlicedScoreMatchingOptions(options: unknown): ResolvedSlicedScoreMatchingOptions {
  const p = new Problems('sliced-sm');
  const o = asRecord('sliced-sm', options);
  p.unknownKeys(o, SLICED_SCORE_MATCHING_OPTION_NAMES);
  const resolved = {
    projection: p.oneOf(o, 'projection', 'rademacher', PROJECTION_KINDS),
    varianceReduced: p.bool(o, 'varianceReduced', true),
    projections: p.int(o, 'projections', 1, 1, 4096),
  };
  p.throwIfAny();
  return resolved;
}

/**
 * Per-sample sliced score-matching objective for given projections v (shaped like x): vᵀ∇ₓ(vᵀs) + ½(vᵀs)², or
 * with `varianceReduced` vᵀ∇ₓ(vᵀs) + ½‖s‖² (ermongroup/sliced_score_matching `losses/sliced_sm.py`,
 * `sliced_score_estimation` and `sliced_score_estimation_vr`). For E[vvᵀ] = I its expectation over v is the exact
 * score-matching objective. One backward pass whatever the dimension.
 *
 * @example
 * const v = sampleProjections('gaussian', x.shape, rng);
 * const perSample = slicedScoreMatchingLosses(score, x, v, { varianceReduced: false }); // [n]
 */
export function slicedScoreMatchingLosses(
  score: ScoreFunction,
  x: tf.Tensor,
  v: tf.Tensor,
  options: { readonly varianceReduced?: boolean } = {},
  call: ModelCallOptions = {},
): tf.Tensor {
  const where = 'sliced-sm';
  checkData(x, where, 'x');
  checkSameShape(x, v, where, 'x', 'the projections v');
  const varianceReduced = options.varianceReduced ?? true;
  return tf.tidy(() => {
    const { value, term } = scoreAndSlicedTrace(score, x, v, call, where);
    const first = varianceReduced ? reduceSquares(value, 'sum') : tf.mul(tf.square(perSampleDot(v, value)), 0.5);
    return tf.add(first, term);
  });
}

/**
 * Sliced score matching (Song et al. 2019) for a noise-free score model: the batch is repeated `projections` times,
 * each copy gets fresh projections v (drawn from `rng` before the model runs), and the per-sample objectives of
 * {@link slicedScoreMatchingLosses} are averaged. An unbiased estimate of the exact score-matching objective at the
 * cost of one backward pass; trained by differentiating twice, so use core's activations in the network.
 *
 * @example
 * const loss = slicedScoreMatchingLoss(score, x, rng, { projection: 'gaussian', projections: 4 });
 */
export function slicedScoreMatchingLoss(
  score: ScoreFunction,
  batch: ObjectiveBatch,
  rng: Rng,
  options: SlicedScoreMatchingOptions = {},
): tf.Scalar {
  const { training, ...rest } = options;
  const o = resolveSlicedScoreMatchingOptions(rest);
  const { x, labels } = readBatch(batch, 'sliced-sm');
  return tf.tidy(() => {
    const M = o.projections;
    const xs = M === 1 ? x : tf.tile(x, [M, ...new Array(x.rank - 1).fill(1)]);
    const ls = labels === undefined || M === 1 ? labels : tf.tile(labels, [M]);
    const v = sampleProjections(o.projection, xs.shape, rng);
    const losses = slicedScoreMatchingLosses(score, xs, v, o, modelCall(training, rng, ls));
    return tf.mean(losses) as tf.Scalar;
  });
}
