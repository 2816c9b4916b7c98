import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { points, requireCount } from './internal.js';

/**
 * A 2D swiss roll: s ~ 1.5π(1 + 2u), u ~ U[0, 1], point (s·cos s, s·sin s)/5 plus N(0, noise²) (the 2D slice of
 * scikit-learn's `make_swiss_roll`, scaled to about [−3, 3]).
 *
 * @example
 * const x = swissRoll(2000, new Rng(0));
 */
export function swissRoll(n: number, rng: Rng, options: { noise?: number } = {}): tf.Tensor2D {
  requireCount('swissRoll', n);
  const noise = options.noise ?? 0.1;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const s = 1.5 * Math.PI * (1 + 2 * rng.nextFloat());
    const [e1, e2] = rng.normalArray(2, 0, noise);
    out[2 * i] = (s * Math.cos(s)) / 5 + e1;
    out[2 * i + 1] = (s * Math.sin(s)) / 5 + e2;
  }
  return points(out, n);
}
