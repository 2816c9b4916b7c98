import * as tf from '@tensorflow/tfjs-core';
import { interpolate } from '@scorekit/samplers';
import type { RunModel } from './loadRunModel.js';

/**
 * Interpolates between two points of a 2D run through the probability-flow ODE with `@scorekit/samplers`'
 * `interpolate` (encode both, slerp the latents, decode; Heun with `steps` fixed steps, so the time is known).
 * Returns `count` points, the first ≈ a and the last ≈ b.
 */
export async function interpolatePoints(model: RunModel, a: readonly number[], b: readonly number[], count = 9, steps = 50): Promise<number[][]> {
  const x0 = tf.tensor2d([Array.from(a)]);
  const x1 = tf.tensor2d([Array.from(b)]);
  try {
    const { path } = await interpolate(x0, x1, count, { score: model.scoreFn(), sde: model.sde, method: 'heun', steps });
    const out = (await path.array()) as number[][][];
    path.dispose();
    return out.map((p) => p[0]!);
  } finally {
    tf.dispose([x0, x1]);
  }
}
