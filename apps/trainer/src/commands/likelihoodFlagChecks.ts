import type { ConfigProblem } from '../errors.js';
import { backendFlagProblem, seedFlagProblem, threadsFlagProblem } from './sharedFlagChecks.js';

/** The data sets `likelihood --dataset` reads: MNIST's training or held-out split, Fashion-MNIST's train or t10k. */
export const LIKELIHOOD_DATASETS = ['mnist', 'mnist:test', 'fashion-mnist', 'fashion-mnist:test'] as const;

/** The divergence estimators `likelihood --estimator` accepts. */
export const LIKELIHOOD_ESTIMATORS = ['exact', 'hutchinson', 'auto'] as const;

/** The flags {@link likelihoodFlagProblems} reads (a subset of `scorekit likelihood`'s). */
export interface LikelihoodFlagInput {
  readonly data?: string;
  readonly dataset?: string;
  readonly count?: string;
  readonly out?: string;
  readonly seed?: string;
  readonly estimator?: string;
  readonly rtol?: string;
  readonly atol?: string;
  readonly threads?: string;
  readonly backend?: string;
}

/**
 * Every problem of `scorekit likelihood`'s own flags that can be found without touching the disk or a backend:
 * `--data`/`--dataset` (exactly one, a known data set, its `--count`), the `--out` name, `--seed`, `--estimator`,
 * `--rtol`/`--atol`, `--threads` and `--backend` — each with the flag and what it accepts, so that one run reports
 * them all. Reading the data and the checkpoint comes after.
 *
 * @example
 * likelihoodFlagProblems({ data: 'x.npy', estimator: 'mc', rtol: '0' }); // [{ field: '--estimator', … }, { field: '--rtol', … }]
 */
export function likelihoodFlagProblems(flags: LikelihoodFlagInput): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if ((flags.data == null) === (flags.dataset == null)) {
    problems.push({ field: '--data', message: `give exactly one of --data <x.npy> or --dataset <${LIKELIHOOD_DATASETS.join('|')}>` });
  } else if (flags.dataset != null) {
    if (!(LIKELIHOOD_DATASETS as readonly string[]).includes(flags.dataset)) {
      problems.push({ field: '--dataset', message: `unknown data set '${flags.dataset}' (or give --data <x.npy>)`, allowed: LIKELIHOOD_DATASETS });
    }
    const count = Number(flags.count ?? '100');
    if (!Number.isInteger(count) || count < 1) problems.push({ field: '--count', message: `must be an integer ≥ 1, got '${flags.count}'` });
  }
  if (flags.out != null && !/.\.npy$/i.test(flags.out)) problems.push({ field: '--out', message: `must name a .npy file, got '${flags.out}'` });
  seedFlagProblem(flags.seed, problems);
  if (flags.estimator != null && !(LIKELIHOOD_ESTIMATORS as readonly string[]).includes(flags.estimator)) {
    problems.push({ field: '--estimator', message: `unknown estimator '${flags.estimator}'`, allowed: LIKELIHOOD_ESTIMATORS });
  }
  for (const name of ['rtol', 'atol'] as const) {
    const value = flags[name];
    if (value != null && !(Number(value) > 0)) problems.push({ field: `--${name}`, message: `must be a number > 0, got '${value}'` });
  }
  threadsFlagProblem(flags.threads, problems);
  backendFlagProblem(flags.backend, problems);
  return problems;
}
