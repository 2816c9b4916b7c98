import { sampleSeed } from './shard.js';
import { streamSeed } from './seeds.js';

/**
 * Memory one batch of `sample` may plan for its network's activations. Fixed, not the machine's: the batch size,
 * and so the samples a seed gives, must be the same on every machine and backend.
 */
export const SAMPLE_BATCH_BYTES = 1024 ** 3;

/**
 * The default batch of `scorekit sample`: all n samples at once where their activations fit in
 * {@link SAMPLE_BATCH_BYTES}, else the largest power of two that does (at least 1). A network estimated at 6 MB of
 * activations per sample (the full-width MNIST U-Net) samples 1000 digits in batches of 128.
 *
 * @example
 * defaultSampleBatch(1000, 5.9e6); // 128
 * defaultSampleBatch(64, 5.9e6); // 64
 */
export function defaultSampleBatch(n: number, bytesPerSample: number): number {
  if (!(bytesPerSample > 0) || n * bytesPerSample <= SAMPLE_BATCH_BYTES) return n;
  let batch = 1;
  while (batch * 2 * bytesPerSample <= SAMPLE_BATCH_BYTES && batch * 2 < n) batch *= 2;
  return batch;
}

/**
 * The seed of batch k of a `sample` run: the run's seed for the first batch (so n samples in one batch are those
 * of every earlier version), then a hash of (seed, k), unrelated for consecutive k.
 *
 * @example
 * batchSeed(7, 0); // 7
 */
export function batchSeed(seed: number, k: number): number {
  return k === 0 ? seed : sampleSeed(streamSeed(seed, 2), k);
}

/** The index ranges [start, end) of n samples in batches of `batch`. */
export function batchRanges(n: number, batch: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < n; start += batch) ranges.push([start, Math.min(n, start + batch)]);
  return ranges;
}
