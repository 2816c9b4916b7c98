import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { points, requireCount } from './internal.js';

/**
 * Concentric rings of radii 1, 2, …, `count` (default 3), with points spread evenly over the rings' lengths (a
 * ring's share ∝ its radius), each moved by N(0, noise²).
 *
 * @example
 * const x = rings(3000, new Rng(0), { count: 2 });
 */
export function rings(n: number, rng: Rng, options: { count?: number; noise?: number } = {}): tf.Tensor2D {
  requireCount('rings', n);
  const count = options.count ?? 3;
  const noise = options.noise ?? 0.05;
  if (!Number.isInteger(count) || count < 1) throw new Error(`rings: count must be an integer ≥ 1; got ${count}`);
  const totalLength = (count * (count + 1)) / 2;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    // Choose ring r with probability r / Σr: invert the cumulative share.
    const u = rng.nextFloat() * totalLength;
    let r = 1;
    while ((r * (r + 1)) / 2 <= u) r++;
    const theta = 2 * Math.PI * rng.nextFloat();
    const [e1, e2] = rng.normalArray(2, 0, noise);
    out[2 * i] = r * Math.cos(theta) + e1;
    out[2 * i + 1] = r * Math.sin(theta) + e2;
  }
  return points(out, n);
}
