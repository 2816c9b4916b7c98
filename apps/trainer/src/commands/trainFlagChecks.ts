import type { ConfigProblem } from '../errors.js';
import { backendFlagProblem, seedFlagProblem, threadsFlagProblem } from './sharedFlagChecks.js';

/** The flags {@link trainFlagProblems} reads (a subset of `scorekit train`'s). */
export interface TrainFlagInput {
  readonly out?: string;
  readonly resume?: boolean;
  readonly backend?: string;
  readonly threads?: string;
  readonly minutes?: string;
  readonly seed?: string;
  readonly [flag: string]: unknown;
}

// The flags that describe the run itself: with --resume the run's saved config is used, so giving one of them
// would be ignored silently; they are refused instead. Only --steps (the run's length) may change.
const RUN_DEFINING_FLAGS = [
  'preset', 'config', 'dataset', 'sde', 'objective', 'sampler',
  'batchSize', 'lr', 'warmup', 'gradClip', 'ema', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery', 'sampleCount',
] as const;

/**
 * Every problem of `scorekit train`'s own flags (not the config's), found without touching the disk or a backend:
 * a missing or empty `--out`, run-defining flags beside `--resume`, `--minutes`, `--threads`, `--backend` and
 * `--seed` out of range — each with the flag and what it accepts. The command reports them together with the
 * config's problems.
 *
 * @example
 * trainFlagProblems({ out: '', minutes: '-1' }); // [{ field: '--out', … }, { field: '--minutes', … }]
 */
export function trainFlagProblems(flags: TrainFlagInput): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (flags.out == null) problems.push({ field: '--out', message: 'is required: the run folder (scorekit train --out <dir>)' });
  // An empty --out would write the run into the current folder.
  else if (flags.out.trim() === '') problems.push({ field: '--out', message: 'must name a folder, got an empty string' });
  if (flags.resume === true) {
    const ignored = RUN_DEFINING_FLAGS.filter((k) => flags[k] != null).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    if (ignored.length > 0) {
      problems.push({
        field: '--resume',
        message:
          `continues the run with its saved config (${flags.out ?? '<out>'}/config.json); ${ignored.join(', ')} would be ignored. ` +
          'Only --steps may change on resume; start a new run (another --out) to change anything else.',
      });
    }
  }
  if (flags.minutes != null) {
    const minutes = Number(flags.minutes);
    if (flags.minutes.trim() === '' || !(minutes > 0) || !Number.isFinite(minutes)) problems.push({ field: '--minutes', message: `must be a number > 0, got '${flags.minutes}'` });
  }
  threadsFlagProblem(flags.threads, problems);
  backendFlagProblem(flags.backend, problems);
  seedFlagProblem(flags.seed, problems);
  return problems;
}
