import { GaussianMixture } from './GaussianMixture.js';

/**
 * The 2D mixture of Song & Ermon's toy experiment (ermongroup/ncsn `runners/toy_runner.py`): weights 0.8 and 0.2
 * at ±5·(1, 1), identity covariance. Annealed Langevin recovers its weights; plain Langevin does not.
 *
 * @example
 * const gm = ncsnToyMixture();
 */
export function ncsnToyMixture(): GaussianMixture {
  return new GaussianMixture({ weights: [0.8, 0.2], means: [[5, 5], [-5, -5]], stds: [1, 1] });
}
