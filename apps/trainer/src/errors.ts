/** One thing wrong with a config, a flag or an input file: where, what, and what would be accepted. */
export interface ConfigProblem {
  /** The field, flag or file the problem is in, e.g. `train.lr`, `--sampler`, `mixture.json: means[1]`. */
  readonly field: string;
  /** What is wrong, as a sentence fragment ("must be a positive number, got -3"). */
  readonly message: string;
  /** The values that would be accepted, when there is a short list of them. */
  readonly allowed?: readonly string[];
  /**
   * The full path of the field inside the config (`network.width`, `sampler.steps`, `objective.eps`) when the
   * problem comes from a nested config's `ConfigError` issue; `field` is then the config key it sits under.
   */
  readonly path?: string;
  /** What the field accepts, in words (`an integer ≥ 1`, `one of 'vp', 've'`), from the issue. */
  readonly accepts?: string;
}

/**
 * An error meant for the person at the command line: its message is printed as is (no stack trace) and the
 * process exits with `exitCode`. `problems`, when present, lists every problem found at once.
 *
 * @example
 * throw new CliError('Cannot read --data x.npy: no such file.');
 * throw CliError.fromProblems('Invalid training config', [{ field: 'lr', message: 'must be > 0, got -1' }]);
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
    readonly problems: readonly ConfigProblem[] = [],
  ) {
    super(message);
  }

  /** An error whose message is `heading` followed by one line per problem (see {@link formatProblems}). */
  static fromProblems(heading: string, problems: readonly ConfigProblem[]): CliError {
    return new CliError(`${heading}:\n${formatProblems(problems)}`, 2, problems);
  }
}

/**
 * Formats problems one per line: `  - field: message (allowed: a, b, c)`.
 *
 * @example
 * formatProblems([{ field: 'sde', message: "unknown SDE 'vpp'", allowed: ['ve', 'vp'] }]);
 * // "  - sde: unknown SDE 'vpp' (allowed: ve, vp)"
 */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map((p) => `  - ${p.field}: ${p.message}${p.allowed != null ? ` (allowed: ${p.allowed.join(', ')})` : ''}`)
    .join('\n');
}

/** A one-element problem list, for fp-ts validations that accumulate arrays of problems. */
export function problem(field: string, message: string, allowed?: readonly string[]): ConfigProblem[] {
  return [allowed != null ? { field, message, allowed } : { field, message }];
}

/**
 * Turns anything thrown into the text the CLI prints: a {@link CliError} or any error raised for bad input by a
 * scorekit package (their messages name the field and the allowed values) prints its message; set
 * `SCOREKIT_DEBUG=1` to see stack traces.
 *
 * @example
 * process.stderr.write(`${describeError(e)}\n`);
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const debug = process.env.SCOREKIT_DEBUG != null && process.env.SCOREKIT_DEBUG !== '';
    return debug && error.stack != null ? error.stack : `${error.name === 'CliError' ? '' : `${error.name}: `}${error.message}`;
  }
  return String(error);
}
