import * as tf from '@tensorflow/tfjs-core';
import { perSample } from '@scorekit/core';
import type { ReverseSde, ScoreFn, Sde } from './Sde.js';

/**
 * The reverse-time process of `sde` driven by `score` (Anderson 1982): drift f − g²·s and diffusion g, or, for
 * the probability-flow ODE, drift f − ½g²·s and no noise (score_sde `SDE.reverse`).
 *
 * @example
 * const rsde = reverseSde(new VpSde(), score, true); // the probability-flow ODE
 * const { drift } = rsde.coefficients(x, t);
 */
export function reverseSde(sde: Sde, score: ScoreFn, probabilityFlow = false): ReverseSde {
  const weight = probabilityFlow ? 0.5 : 1;
  return {
    probabilityFlow,
    coefficients(x, t) {
      return tf.tidy(() => {
        const { drift, diffusion } = sde.coefficients(x, t);
        const g2 = perSample(tf.square(diffusion), x);
        return {
          drift: tf.sub(drift, tf.mul(tf.mul(g2, score(x, t)), weight)),
          diffusion: probabilityFlow ? tf.zerosLike(diffusion) : diffusion,
        };
      });
    },
    discretize(x, t) {
      return tf.tidy(() => {
        const { f, G } = sde.discretize(x, t);
        const G2 = perSample(tf.square(G), x);
        return {
          f: tf.sub(f, tf.mul(tf.mul(G2, score(x, t)), weight)),
          G: probabilityFlow ? tf.zerosLike(G) : G,
        };
      });
    },
  };
}
