import * as tf from '@tensorflow/tfjs-core';
import { predictionFrom, tidyPrediction, type Prediction } from '@scorekit/sde';
import type { X0Threshold } from '../Sampler.js';

/**
 * The prediction with x̂₀ clipped (diffusers `clip_sample`: to [−limit, limit], default 1) or dynamically
 * thresholded (Imagen, Saharia et al. 2022; diffusers `_threshold_sample`): per sample, s = the `percentile`
 * quantile of |x̂₀| (linear interpolation, as torch.quantile), clamped to [1, maxLimit], then x̂₀ ← clip(x̂₀, ±s)/s.
 * The result is an x₀ prediction, so its score and ε are those of the thresholded x̂₀.
 */
export function thresholdX0(p: Prediction, threshold: X0Threshold): Prediction {
  return tidyPrediction(() => predictionFrom('x0', thresholdTensor(p.x0, threshold), p.x, p.alpha, p.sigma));
}

/** Which thresholding a config asks for: its `name`, or `kind` (the older spelling); undefined when they disagree. */
export function thresholdName(threshold: X0Threshold): unknown {
  const t = threshold as { name?: unknown; kind?: unknown };
  if (t.name !== undefined && t.kind !== undefined && t.name !== t.kind) return undefined;
  return t.name ?? t.kind;
}

/** The thresholding of {@link thresholdX0} on an x̂₀ tensor [n, ...dims]. */
export function thresholdTensor(x0: tf.Tensor, given: X0Threshold): tf.Tensor {
  const threshold = given as { limit?: number; percentile?: number; maxLimit?: number };
  return tf.tidy(() => {
    if (thresholdName(given) === 'clip') {
      const limit = threshold.limit ?? 1;
      return tf.clipByValue(x0, -limit, limit);
    }
    const n = x0.shape[0];
    const d = x0.size / n;
    const q = threshold.percentile ?? 0.995;
    const maxLimit = threshold.maxLimit ?? Infinity;
    // torch.quantile: position q·(d − 1) in ascending order, interpolating between its neighbours.
    const ascending = tf.reverse(tf.topk(tf.abs(tf.reshape(x0, [n, d])), d, true).values, 1);
    const pos = q * (d - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, d - 1);
    const vLo = tf.slice(ascending, [0, lo], [n, 1]);
    const vHi = tf.slice(ascending, [0, hi], [n, 1]);
    let s = tf.add(vLo, tf.mul(tf.sub(vHi, vLo), pos - lo));
    s = tf.maximum(s, 1);
    if (Number.isFinite(maxLimit)) s = tf.minimum(s, maxLimit);
    const shaped = tf.reshape(s, [n, ...new Array(x0.rank - 1).fill(1)]);
    return tf.div(tf.maximum(tf.minimum(x0, shaped), tf.neg(shaped)), shaped);
  });
}
