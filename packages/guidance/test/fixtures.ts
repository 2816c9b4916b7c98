import { GaussianMixture } from '@scorekit/data';

/**
 * Three 2D components that overlap (so that guidance has work to do: unguided samples of the mixture differ from
 * every component) yet differ enough in mean and shape that a two-sample test at n = 1000 tells each from the others.
 */
export const mixture = new GaussianMixture({
  weights: [0.5, 0.3, 0.2],
  means: [[-1.2, 0.4], [1.0, -0.6], [0.4, 1.4]],
  covariances: [
    [[0.6, 0.25], [0.25, 0.45]],
    [[0.35, 0], [0, 0.6]],
    [[0.3, -0.1], [-0.1, 0.25]],
  ],
});

/** Each component of {@link mixture} alone, for exact draws of p(x | y = k). */
export function component(k: number): GaussianMixture {
  const cfg = mixture.toJSON();
  return new GaussianMixture({ weights: [1], means: [cfg.means[k]], covariances: [cfg.covariances![k]] });
}
