import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';

/** Distributions of the random projections of sliced score matching. */
export type ProjectionKind = 'rademacher' | 'gaussian' | 'sphere';
/** The projection kinds {@link sampleProjections} accepts. */
export const PROJECTION_KINDS: readonly ProjectionKind[] = ['rademacher', 'gaussian', 'sphere'];

/**
 * Random projection vectors, one per sample, with E[vvᵀ] = I so that vᵀJv is an unbiased estimate of tr J:
 * 'rademacher' (±1), 'gaussian' (N(0, I)) or 'sphere' (uniform on the sphere of radius √D, D = size per sample;
 * ermongroup/sliced_score_matching `losses/sliced_sm.py` noise_type 'sphere'). The shape is [n, ...dims] like
 * the data.
 *
 * @example
 * const v = sampleProjections('gaussian', [128, 2], rng);
 */
export function sampleProjections(kind: ProjectionKind, shape: readonly number[], rng: Rng): tf.Tensor {
  if (!PROJECTION_KINDS.includes(kind)) {
    throw new Error(`sampleProjections: unknown projection '${String(kind)}'. Allowed: ${PROJECTION_KINDS.join(', ')}`);
  }
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`sampleProjections: shape must be [n, ...dims] of positive integers; got ${JSON.stringify(shape)}`);
  }
  if (kind === 'rademacher') return rng.rademacher([...shape]);
  if (kind === 'gaussian') return rng.normal([...shape]);
  return tf.tidy(() => {
    const z = rng.normal([...shape]);
    const n = shape[0];
    const D = z.size / n;
    const norm = tf.sqrt(tf.sum(tf.reshape(tf.square(z), [n, D]), 1));
    return tf.mul(tf.div(z, tf.reshape(norm, [n, ...new Array(shape.length - 1).fill(1)])), Math.sqrt(D));
  });
}
