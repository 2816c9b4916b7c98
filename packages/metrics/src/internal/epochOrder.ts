import type { Rng } from '@scorekit/core';

/**
 * Indices 0…n−1 in epochs: each epoch a fresh seeded permutation, so every sample is seen once per epoch (batches
 * without replacement). Call the returned function for the next index.
 */
export function epochOrder(rng: Rng, n: number): () => number {
  let order = rng.permutation(n);
  let cursor = 0;
  return () => {
    if (cursor === n) {
      order = rng.permutation(n);
      cursor = 0;
    }
    return order[cursor++];
  };
}
