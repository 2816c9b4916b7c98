import * as tf from '@tensorflow/tfjs-core';
import type { Sde } from '@scorekit/sde';

/** α(t) and σ(t)² as [n, 1] columns, from one time (computed in float64, then cast) or per-sample times [n]. */
export function timeColumns(sde: Sde, t: tf.Tensor | number, n: number, where: string): { alpha: tf.Tensor; sigma2: tf.Tensor } {
  if (typeof t === 'number') {
    if (!Number.isFinite(t)) throw new Error(`${where}: t must be a finite number or an [n] tensor; got ${t}`);
    const a = sde.alpha(t);
    const s = sde.sigma(t);
    return { alpha: tf.fill([n, 1], a), sigma2: tf.fill([n, 1], s * s) };
  }
  if (t.rank !== 1 || t.shape[0] !== n) throw new Error(`${where}: t must have shape [${n}] (one per sample of x); got [${t.shape.join(',')}]`);
  const { alpha, sigma } = sde.marginalCoefficients(t);
  return { alpha: tf.reshape(alpha, [n, 1]), sigma2: tf.reshape(tf.square(sigma), [n, 1]) };
}
