import { ConfigError, type ConfigIssue } from '@scorekit/core';

/**
 * A bad noisy-classifier config: core's `ConfigError` (one error family across the libraries, every problem in
 * `issues` with its path and what is allowed); the message lists the problems one a line after
 * `createNoisyClassifier: invalid config:`.
 */
export class NoisyClassifierConfigError extends ConfigError {
  override readonly name: string = 'NoisyClassifierConfigError';
  constructor(issues: readonly ConfigIssue[], lines: readonly string[]) {
    super('noisy classifier', issues);
    this.message = `createNoisyClassifier: invalid config:\n- ${lines.join('\n- ')}`;
  }
}
