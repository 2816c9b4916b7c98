import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { checkerboard } from './checkerboard.js';
import { ncsnToyMixture } from './ncsnToyMixture.js';
import { rings } from './rings.js';
import { swissRoll } from './swissRoll.js';
import { twoMoons } from './twoMoons.js';

const generators = {
  'ncsn-mixture': (n: number, rng: Rng) => ncsnToyMixture().sample(n, rng),
  'two-moons': (n: number, rng: Rng) => twoMoons(n, rng),
  'swiss-roll': (n: number, rng: Rng) => swissRoll(n, rng),
  checkerboard: (n: number, rng: Rng) => checkerboard(n, rng),
  rings: (n: number, rng: Rng) => rings(n, rng),
} as const;

/** Names of the built-in 2D data sets. */
export type ToyDatasetName = keyof typeof generators;
/** The names `sampleToyDataset` accepts. */
export const TOY_DATASET_NAMES = Object.keys(generators) as ToyDatasetName[];

/**
 * Draws n points from a named 2D data set ('ncsn-mixture', 'two-moons', 'swiss-roll', 'checkerboard', 'rings').
 *
 * @example
 * const x = sampleToyDataset('two-moons', 5000, new Rng(1));
 */
export function sampleToyDataset(name: string, n: number, rng: Rng): tf.Tensor2D {
  const generate = generators[name as ToyDatasetName];
  if (!generate) throw new Error(`Unknown 2D dataset '${name}'. Allowed: ${TOY_DATASET_NAMES.join(', ')}`);
  return generate(n, rng);
}
