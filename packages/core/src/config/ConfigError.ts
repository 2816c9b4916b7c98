/** One problem of a configuration: where it is, what is wrong, and what would be accepted. */
export interface ConfigIssue {
  /** The field's path from the config's root, dotted (`network.width`, `sampler.steps`, `means[1]`); '' for the whole config. */
  readonly path: string;
  /** What is wrong, in words (`must be an integer ≥ 1; got 0`, `unknown option`). */
  readonly problem: string;
  /** What is accepted there (`an integer ≥ 1`, `one of 'vp', 've'`), when it can be said. */
  readonly allowed?: string;
}

/**
 * The one error family of scorekit's libraries for bad configurations and options: `issues` lists every problem
 * found (not just the first), each with its field path and the allowed values; the message lists them one a line.
 * Registries (`createSde`, `createNetwork`, `createObjective`, `createSampler`, …) throw it; an app edge turns it
 * into a typed `Left` (fp-ts `Either.tryCatch`) and folds once.
 *
 * @example
 * try {
 *   createSampler('ddim', { steps: 0, eta: -1 });
 * } catch (e) {
 *   if (e instanceof ConfigError) e.issues; // [{ path: 'steps', problem: 'must be an integer ≥ 1; got 0', allowed: 'an integer ≥ 1' }, …]
 * }
 */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
  /** Every problem, as `path problem` lines (what the message lists). */
  readonly problems: readonly string[];
  readonly issues: readonly ConfigIssue[];

  constructor(
    /** What was being configured (`Sampler 'ddim'`, `unet network`, `SDE`). */
    readonly where: string,
    issues: readonly (ConfigIssue | string)[],
    heading = `Invalid ${where} config`,
  ) {
    const list = issues.map((i) => (typeof i === 'string' ? { path: '', problem: i } : i));
    const lines = list.map(issueLine);
    super(`${heading}:\n  - ${lines.join('\n  - ')}`);
    this.issues = list;
    this.problems = lines;
  }

  /** The issues of this error with `prefix.` put before each path (a nested config reporting into its parent). */
  under(prefix: string): ConfigIssue[] {
    return prefixIssues(prefix, this.issues);
  }
}

/** `path problem`, or just the problem for the whole config. */
export function issueLine(issue: ConfigIssue): string {
  return issue.path === '' ? issue.problem : `${issue.path} ${issue.problem}`;
}

/** The issues with `prefix` joined before each path. */
export function prefixIssues(prefix: string, issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.map((i) => ({ ...i, path: i.path === '' ? prefix : i.path.startsWith('[') ? `${prefix}${i.path}` : `${prefix}.${i.path}` }));
}
