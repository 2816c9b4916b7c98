import * as tf from '@tensorflow/tfjs-core';
import type { ScoreFn, Sde } from '@scorekit/sde';
import type { OdeRhs } from './odeSolvers.js';

/**
 * The probability-flow ODE's drift dx/dt = f(t)·x − ½g(t)²·s(x, t) (score_sde sde_lib.py SDE.reverse with
 * probability_flow=True), with f and g evaluated once per step as numbers.
 */
export function probabilityFlowRhs(sde: Sde, score: ScoreFn): OdeRhs {
  return (t, x) =>
    tf.tidy(() => {
      const g = sde.diffusion(t);
      const s = score(x, tf.fill([x.shape[0]], t));
      return tf.sub(tf.mul(x, sde.driftRate(t)), tf.mul(s, 0.5 * g * g));
    });
}
