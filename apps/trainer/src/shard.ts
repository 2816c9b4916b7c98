import { CliError } from './errors.js';

/** One shard of a run split N ways: shard `index` of `count` (0-based). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The variable a Kubernetes Indexed Job sets in each pod to its completion index 0 … completions − 1. */
export const SHARD_INDEX_VARIABLE = 'JOB_COMPLETION_INDEX';

/**
 * The shard a command should do, from `--shard i/N`, or from `--shards N` with the index taken from
 * `JOB_COMPLETION_INDEX` (a Kubernetes Indexed Job's pods get 0 … N − 1); undefined when neither flag is given.
 * Every mistake is a `CliError` naming the flag and what is allowed.
 *
 * @example
 * shardFromFlags({ shards: '4' }, { JOB_COMPLETION_INDEX: '2' }); // { index: 2, count: 4 }
 */
export function shardFromFlags(
  flags: { readonly shard?: string; readonly shards?: string },
  env: Readonly<Record<string, string | undefined>> = process.env,
): Shard | undefined {
  if (flags.shard !== undefined && flags.shards !== undefined) {
    throw new CliError('give --shard i/N or --shards N (index from JOB_COMPLETION_INDEX), not both');
  }
  if (flags.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(flags.shard);
    const index = m != null ? Number(m[1]) : NaN;
    const count = m != null ? Number(m[2]) : NaN;
    if (m == null || count < 1 || index >= count) {
      throw new CliError(`--shard must be i/N with 0 ≤ i < N (e.g. 0/4), got '${flags.shard}'`);
    }
    return { index, count };
  }
  if (flags.shards === undefined) return undefined;
  const count = Number(flags.shards);
  if (!/^\d+$/.test(flags.shards) || count < 1) throw new CliError(`--shards must be an integer ≥ 1, got '${flags.shards}'`);
  const raw = env[SHARD_INDEX_VARIABLE];
  if (raw === undefined || raw === '') {
    throw new CliError(`--shards ${count} takes the shard index from ${SHARD_INDEX_VARIABLE} (set by a Kubernetes Indexed Job), which is not set; or pass --shard i/${count}`);
  }
  const index = Number(raw);
  if (!/^\d+$/.test(raw) || index >= count) {
    throw new CliError(`${SHARD_INDEX_VARIABLE} must be an integer 0 … ${count - 1} for --shards ${count}, got '${raw}'`);
  }
  return { index, count };
}

/**
 * The sample indices [start, end) of a shard of n: contiguous, ⌊i·n/N⌋ … ⌊(i+1)·n/N⌋, so the shards' outputs
 * concatenated in index order are the indices 0 … n − 1 of one run.
 *
 * @example
 * shardRange(10, { index: 1, count: 3 }); // [3, 6]
 */
export function shardRange(n: number, shard: Shard): readonly [number, number] {
  return [Math.floor((shard.index * n) / shard.count), Math.floor(((shard.index + 1) * n) / shard.count)];
}

/**
 * The seed of sample j of a run seeded `seed`: a 32-bit hash of the pair, so sample j's noise depends on
 * (seed, j) only — not on which shard or batch draws it.
 *
 * @example
 * sampleSeed(0, 17); // the same on every machine
 */
export function sampleSeed(seed: number, j: number): number {
  // murmur3's 32-bit finaliser over the index xor-ed into the scrambled seed: each step is a bijection of
  // uint32, so for one seed the 2^32 indices get 2^32 distinct seeds, and consecutive j unrelated ones
  let h = Math.imul(seed >>> 0, 0x9e3779b1) ^ (j >>> 0);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
