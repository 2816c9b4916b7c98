/**
 * Thrown when an objective's name or options are invalid. `problems` lists every problem found, each naming the
 * option and what is allowed; the message joins them. A config edge (the trainer's config parser) can turn it into
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
export class ObjectiveConfigError extends Error {
  override readonly name = 'ObjectiveConfigError';
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${where} objective options:\n  - ${problems.join('\n  - ')}`);
  }
}
