import { CliError } from '../errors.js';
import type { ConfigProblem } from '../errors.js';
import { backendFlagProblem, seedFlagProblem, threadsFlagProblem } from './sharedFlagChecks.js';
import { shardFromFlags } from '../shard.js';
import type { Shard } from '../shard.js';

/** The flags {@link sampleFlagProblems} reads (a subset of `scorekit sample`'s). */
export interface SampleFlagInput {
  readonly checkpoint?: string;
  readonly step?: string;
  readonly n?: string;
  readonly seed?: string;
  readonly out?: readonly string[] | string;
  readonly trajectory?: string;
  readonly batchSize?: string;
  readonly x0Threshold?: unknown;
  readonly shard?: string;
  readonly shards?: string;
  readonly threads?: string;
  readonly backend?: string;
  readonly start?: unknown;
  readonly corruption?: unknown;
}

/** The values `--x0-threshold` accepts. */
export const X0_THRESHOLDS = ['none', 'clip', 'dynamic'] as const;

/**
 * Every problem of `scorekit sample`'s own flags that can be found without touching the disk or a backend: the
 * `--out` files, `--n`, `--seed`, `--step`, `--trajectory`, `--batch-size`, `--x0-threshold`, `--threads`,
 * `--backend`, the shard flags and their combinations, and `--start`/`--corruption` without a checkpoint — each with
 * the flag and what it accepts, so that one run reports them all (`runSample` adds the sampler and conditioning
 * flags' problems to the same list; what needs the checkpoint is checked after).
 *
 * @example
 * sampleFlagProblems({ n: '0', seed: '-1', out: 'x.txt' }); // [{ field: '--out', … }, { field: '--n', … }, { field: '--seed', … }]
 */
export function sampleFlagProblems(flags: SampleFlagInput, env: Readonly<Record<string, string | undefined>> = process.env): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const outputs = caught('--out', () => parseSampleOutputs(flags.out), problems);
  const n = Number(flags.n ?? '64');
  const nValid = Number.isInteger(n) && n >= 1;
  if (!nValid) problems.push({ field: '--n', message: `must be an integer ≥ 1, got '${flags.n}'` });
  seedFlagProblem(flags.seed, problems);
  if (flags.step != null) {
    const step = Number(flags.step);
    if (!(Number.isInteger(step) && step >= 0)) problems.push({ field: '--step', message: `must be a checkpoint's step (an integer ≥ 0), got '${flags.step}'` });
  }
  const trajectory = flags.trajectory != null ? /^every=(\d+)$/.exec(flags.trajectory) : null;
  if (flags.trajectory != null && (trajectory == null || Number(trajectory[1]) < 1)) {
    problems.push({ field: '--trajectory', message: `must be every=<k> with k ≥ 1, got '${flags.trajectory}'` });
  }
  // Without a checkpoint this is a mixture: the energy-model flags cannot apply. With one, its kind decides (later).
  if (flags.checkpoint == null) {
    for (const flag of ['start', 'corruption'] as const) {
      if (flags[flag] != null) problems.push({ field: `--${flag}`, message: 'is for energy-model checkpoints (rbm, hopfield, ebm-cd); this is a score model or mixture' });
    }
  }
  const threshold = flags.x0Threshold;
  if (threshold != null && !(X0_THRESHOLDS as readonly unknown[]).includes(threshold)) {
    problems.push({ field: '--x0-threshold', message: `must be none, clip or dynamic, got '${String(threshold)}'`, allowed: X0_THRESHOLDS });
  }
  if (flags.batchSize != null) {
    const batch = Number(flags.batchSize);
    if (!Number.isInteger(batch) || batch < 1) problems.push({ field: '--batch-size', message: `must be an integer ≥ 1, got '${flags.batchSize}'` });
  }
  const shardField = flags.shard == null && flags.shards != null ? '--shards' : '--shard';
  const shard: Shard | undefined = caught(shardField, () => shardFromFlags(flags, env), problems);
  if (shard !== undefined) {
    if (flags.trajectory != null) problems.push({ field: '--trajectory', message: 'cannot be combined with --shard/--shards' });
    if (nValid && n < shard.count) problems.push({ field: '--n', message: `${n} is fewer samples than the ${shard.count} shards; every shard needs at least one` });
    if (outputs != null && (outputs.png != null || outputs.npy == null)) problems.push({ field: '--out', message: 'with --shard/--shards is one .npy (the shards are concatenated); give --out <file>.npy only' });
    if (flags.batchSize != null) problems.push({ field: '--batch-size', message: 'cannot be combined with --shard/--shards (shards draw one sample at a time)' });
  }
  threadsFlagProblem(flags.threads, problems);
  backendFlagProblem(flags.backend, problems);
  return problems;
}

/**
 * Runs a parser that throws a `CliError` naming its flag first ("--shard must be …"), and turns that error into a
 * problem of `field` (the message without the leading flag), so it is reported with the others.
 */
export function caught<T>(field: string, parse: () => T, problems: ConfigProblem[]): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    const message = e.message.startsWith(`${field} `) ? e.message.slice(field.length + 1) : e.message;
    problems.push({ field, message });
    return undefined;
  }
}

/** Splits `--out` into at most one .npy and one .png, or names what is wrong. */
export function parseSampleOutputs(out: readonly string[] | string | undefined): { npy?: string; png?: string } {
  const files = out == null ? [] : typeof out === 'string' ? [out] : out;
  // A bare '.npy' is no file name (it would write a hidden file named only by its extension).
  const bad = files.filter((f) => !/[^/\\]\.(npy|png)$/i.test(f));
  const npy = files.filter((f) => /\.npy$/i.test(f));
  const png = files.filter((f) => /\.png$/i.test(f));
  if (files.length === 0 || bad.length > 0 || npy.length > 1 || png.length > 1) {
    throw new CliError(
      `--out must name a .npy file, a .png file or one of each (the same draw in both), got ${files.length === 0 ? 'nothing' : files.map((f) => `'${f}'`).join(' ')}`,
    );
  }
  return { ...(npy[0] != null ? { npy: npy[0] } : {}), ...(png[0] != null ? { png: png[0] } : {}) };
}
