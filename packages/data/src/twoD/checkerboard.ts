import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { points, requireCount } from './internal.js';

/**
 * Uniform on the dark squares of a 4 × 4 checkerboard over [−2, 2]²: exactly the cells whose integer coordinates
 * ⌊x⌋ + ⌊y⌋ are even (the FFJORD toy set).
 *
 * @example
 * const x = checkerboard(2000, new Rng(0));
 */
export function checkerboard(n: number, rng: Rng): tf.Tensor2D {
  requireCount('checkerboard', n);
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x = -2 + 4 * rng.nextFloat();
    const row = Math.floor(x + 2); // 0…3
    const yInCell = rng.nextFloat() + 2 * rng.randint(0, 2); // one of the two dark cells in this column
    const y = -2 + yInCell + (row % 2 === 0 ? 0 : 1);
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return points(out, n);
}
