/**
 * Thrown when a model, network or checkpoint configuration is invalid. `problems` lists every problem found, not
 * just the first, each naming the field and what is allowed; the message joins them.
 *
 * @example
 * try {
 *   createNetwork({ kind: 'mlp', dim: 0, width: -1 });
 * } catch (e) {
 *   if (e instanceof ConfigError) console.error(e.problems); // ['mlp.dim must be …', 'mlp.width must be …']
 * }
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${where} config:\n  - ${problems.join('\n  - ')}`);
  }
}
