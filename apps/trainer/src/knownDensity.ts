import { ncsnToyMixture } from '@scorekit/data';
import { mixtureDensity } from './png.js';

/**
 * The exact density of a named 2D training set, where scorekit knows it in closed form (the Gaussian mixture
 * `ncsn-mixture`), for overlaying on scatter plots; undefined for the sets known only by their sampler.
 *
 * @example
 * scatterPng(values, { density: knownDensity('ncsn-mixture') });
 */
export function knownDensity(datasetName: string): ((points: Float32Array) => Float32Array) | undefined {
  return datasetName === 'ncsn-mixture' ? mixtureDensity(ncsnToyMixture()) : undefined;
}
