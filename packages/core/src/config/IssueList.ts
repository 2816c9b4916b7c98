import { ConfigError, type ConfigIssue } from './ConfigError.js';

/**
 * Collects a config's problems so that one pass reports all of them (resolvers check every field, use defaults in
 * place of bad values, and throw once at the end). Paths are joined under `prefix` (`mlp` → `mlp.width`).
 *
 * @example
 * const issues = new IssueList('unet');
 * if (!(nf >= 1)) issues.add('nf', `must be an integer ≥ 1, got ${nf}`, 'an integer ≥ 1');
 * issues.throwIfAny('unet network'); // ConfigError listing every problem
 */
export class IssueList {
  private readonly list: ConfigIssue[] = [];
  constructor(readonly prefix = '') {}

  /** Records a problem of the field `path` (relative to the prefix; '' for the prefix itself). */
  add(path: string, problem: string, allowed?: string): void {
    const full = this.prefix === '' ? path : path === '' ? this.prefix : path.startsWith('[') ? `${this.prefix}${path}` : `${this.prefix}.${path}`;
    this.list.push(allowed == null ? { path: full, problem } : { path: full, problem, allowed });
  }

  /** Records issues found elsewhere (a nested config's), paths unchanged. */
  addAll(issues: readonly ConfigIssue[]): void {
    this.list.push(...issues);
  }

  get count(): number {
    return this.list.length;
  }

  get issues(): readonly ConfigIssue[] {
    return [...this.list];
  }

  /** Throws one {@link ConfigError} with every problem, if there is any. */
  throwIfAny(where: string, heading?: string): void {
    if (this.list.length > 0) throw new ConfigError(where, this.list, heading);
  }
}
