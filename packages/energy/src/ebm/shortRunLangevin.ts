import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { checkInteger, checkPositive } from '../internal/check.js';
import type { EnergyFunction } from './EnergyFunction.js';

/** Options of {@link shortRunLangevin}. */
export interface ShortRunLangevinOptions {
  readonly rng: Rng;
  /** Number of steps K. */
  readonly steps: number;
  /** Step size λ on the energy gradient. */
  readonly stepSize: number;
  /**
   * Standard deviation of the noise added each step; default √(2λ), which makes the chain Langevin dynamics of
   * e^{−E}. Du & Mordatch 2019 decouple the two (λ 10, noise 0.005 on images): a colder, faster chain.
   */
  readonly noiseStd?: number;
  /** Keep x in [lo, hi] after each step (the data's box), default none. */
  readonly clip?: readonly [number, number];
  /** Clip each coordinate of ∇E to [−g, g] (Du & Mordatch keep the chains stable this way), default none. */
  readonly gradientClip?: number;
}

/**
 * K steps of (short-run) Langevin dynamics on an energy: x ← x − λ∇ₓE(x) + σ_noise·z, z ~ N(0, I), from x0 (not
 * consumed). Gradients are taken per step inside `tf.tidy`, and the result carries no tape to the parameters,
 * as negatives in contrastive divergence must (Du & Mordatch 2019, "Implicit generation and modeling with EBMs").
 *
 * @example
 * const negatives = shortRunLangevin(energy, start, { rng, steps: 20, stepSize: 0.01 });
 */
export function shortRunLangevin(energy: EnergyFunction, x0: tf.Tensor, options: ShortRunLangevinOptions): tf.Tensor {
  const where = 'shortRunLangevin';
  checkInteger(where, 'steps', options.steps, 0);
  checkPositive(where, 'stepSize', options.stepSize);
  const noiseStd = options.noiseStd ?? Math.sqrt(2 * options.stepSize);
  checkPositive(where, 'noiseStd', noiseStd, true);
  const { clip, gradientClip, rng } = options;
  if (clip && !(clip[0] < clip[1])) throw new Error(`${where}: clip must be [lo, hi] with lo < hi, got [${clip.join(', ')}]`);
  if (gradientClip !== undefined) checkPositive(where, 'gradientClip', gradientClip);
  const gradient = tf.grad((y: tf.Tensor) => tf.sum(energy(y)));
  let x = tf.clone(x0);
  for (let s = 0; s < options.steps; s++) {
    const next = tf.tidy(() => {
      let g = gradient(x);
      if (gradientClip !== undefined) g = tf.clipByValue(g, -gradientClip, gradientClip);
      let y = tf.sub(x, tf.mul(g, options.stepSize));
      if (noiseStd > 0) y = tf.add(y, rng.normal(x.shape, 0, noiseStd));
      return clip ? tf.clipByValue(y, clip[0], clip[1]) : y;
    });
    x.dispose();
    x = next;
  }
  return x;
}
