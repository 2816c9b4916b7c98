import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { GaussianMixture } from '@scorekit/data';
import type { ScoreFn } from '@scorekit/sde';

/**
 * The target of the sampler tests: two overlapping, anisotropic components with unequal weights. Overlap keeps
 * the median-heuristic bandwidth (≈ 1.5) near the components' own scale, where the MMD test sees a 20% change of
 * spread — with two far-apart modes the bandwidth is set by the gap and the test goes blind to it.
 */
export const target = new GaussianMixture({
  weights: [0.65, 0.35],
  means: [[-0.6, 0.3], [0.9, -0.4]],
  covariances: [
    [[0.5, 0.2], [0.2, 0.35]],
    [[0.25, 0], [0, 0.45]],
  ],
});

/** An Rng whose every normal draw is 1.2× too wide: the "broken sampler" of the statistical tests. */
export class LoudRng extends Rng {
  override normal(shape: number[], mean = 0, std = 1): tf.Tensor {
    return super.normal(shape, mean, std * 1.2);
  }
}

/** A score scaled by a wrong factor: the broken input of deterministic samplers. */
export function scaledScore(score: ScoreFn, factor: number): ScoreFn {
  return (x, t) => tf.tidy(() => tf.mul(score(x, t), factor));
}
