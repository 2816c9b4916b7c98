import { ConfigError, type ConfigIssue } from '@scorekit/core';

/**
 * Thrown when an objective's name or options are invalid: core's `ConfigError` (one error family across the
 * libraries) with every problem in `issues` (path, problem, allowed) and `problems` (lines); the message joins them. A config edge (the trainer's config parser) can turn it into
 * a typed error with fp-ts `Either.tryCatch`.
 *
 * @example
 * try {
 *   createObjective({ name: 'continuous-dsm', weighting: 'g2', eps: -1 });
 * } catch (e) {
 *   if (e instanceof ObjectiveConfigError) console.error(e.problems);
 *   // ["continuous-dsm.weighting must be one of 'sigma2', 'likelihood', 'none', got 'g2'", "continuous-dsm.eps …"]
 * }
 */
export class ObjectiveConfigError extends ConfigError {
  override readonly name: string = 'ObjectiveConfigError';
  constructor(where: string, issues: readonly (ConfigIssue | string)[]) {
    super(where, issues, `Invalid ${where} objective options`);
  }
}
