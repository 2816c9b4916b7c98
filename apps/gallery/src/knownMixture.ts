import { ncsnToyMixture } from '@scorekit/data';

/** A Gaussian mixture as @scorekit/data's `GaussianMixture.toJSON()` writes it. */
export interface MixtureJson {
  readonly weights: readonly number[];
  readonly means: readonly (readonly number[])[];
  readonly covariances?: readonly (readonly (readonly number[])[])[];
  readonly stds?: readonly number[];
}

/**
 * The exact data density of a 2D run, where it is an analytic mixture — the data sets the trainer's
 * `knownDensity` (apps/trainer/src/knownDensity.ts) knows: `ncsn-mixture` (Song & Ermon's 0.8/0.2 mixture at
 * ±(5, 5)). Undefined for the sets known only by their sampler (two moons, swiss roll, …) and for images.
 *
 * @example
 * knownMixture('ncsn-mixture'); // { weights: [0.8, 0.2], means: [[5, 5], [-5, -5]], stds: [1, 1] }
 */
export function knownMixture(datasetName: string): MixtureJson | undefined {
  return datasetName === 'ncsn-mixture' ? (ncsnToyMixture().toJSON() as MixtureJson) : undefined;
}
