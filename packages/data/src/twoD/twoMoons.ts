import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { points, requireCount } from './internal.js';

/**
 * Two interleaved half circles (scikit-learn's `make_moons` layout): the upper moon (cos θ, sin θ) and the lower
 * (1 − cos θ, ½ − sin θ), θ ~ U[0, π], each point moved by N(0, noise²); half the points on each.
 *
 * @example
 * const x = twoMoons(2000, new Rng(0), { noise: 0.05 });
 */
export function twoMoons(n: number, rng: Rng, options: { noise?: number } = {}): tf.Tensor2D {
  requireCount('twoMoons', n);
  const noise = options.noise ?? 0.05;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const theta = Math.PI * rng.nextFloat();
    const upper = i < Math.ceil(n / 2);
    const [e1, e2] = rng.normalArray(2, 0, noise);
    out[2 * i] = (upper ? Math.cos(theta) : 1 - Math.cos(theta)) + e1;
    out[2 * i + 1] = (upper ? Math.sin(theta) : 0.5 - Math.sin(theta)) + e2;
  }
  return points(out, n);
}
