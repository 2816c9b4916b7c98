import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import type { Network } from '../src/index.js';

/**
 * Replaces every trainable weight by N(0, scale²) draws. Freshly built U-Nets start with near-zero output convs
 * (score_sde's init_scale 0), which would make output and gradient comparisons trivially pass.
 */
export function randomizeWeights(network: Network, seed: number, scale = 0.3): void {
  const rng = new Rng(seed);
  for (const v of network.variables) {
    if (!v.trainable) continue;
    const noise = rng.normalArray(v.variable.size, 0, scale);
    // Keep GroupNorm gains around 1 so activations stay O(1).
    if (v.name.endsWith('/gamma')) for (let i = 0; i < noise.length; i++) noise[i] += 1;
    tf.tidy(() => v.variable.assign(tf.tensor(noise, v.variable.shape)));
  }
}

/** Reads all weights to plain arrays, by stable name. */
export function snapshot(network: Network): Map<string, Float32Array> {
  return new Map(network.variables.map((v) => [v.name, v.variable.dataSync() as Float32Array]));
}

/** Runs `fn` on a given backend and returns what it returns (arrays, so nothing is tied to that backend). */
export async function onBackend<T>(backend: 'cpu' | 'wasm', fn: () => T): Promise<T> {
  await tf.setBackend(backend);
  await tf.ready();
  return fn();
}
