import { ConfigError, IssueList, withVariantName, type ConfigIssue } from '@scorekit/core';

/**
 * Collects configuration problems so that a config reports all of them at once. Each check returns the value
 * (or the default when absent) so resolution and validation happen in one pass.
 */
export class Problems {
  private readonly list: IssueList;
  constructor(readonly where: string) {
    this.list = new IssueList(where);
  }

  /** A problem worded as `<field> <what is wrong>`: the first word is the field's path under `where`. */
  add(message: string): void {
    const space = message.indexOf(' ');
    if (space < 0) this.issue('', message);
    else this.issue(message.slice(0, space), message.slice(space + 1));
  }

  /**
   * Records one problem at `path` (under `where`). Every check goes through here, so a subclass that forwards
   * problems into an enclosing config (a network inside an energy network) sees all of them.
   */
  issue(path: string, problem: string, allowed?: string): void {
    this.list.add(path, problem, allowed);
  }

  /** A problem of `key` with what it allows (kept as the issue's `allowed`). */
  private bad(key: string, allowed: string, value: unknown): void {
    this.issue(key, `must be ${allowed}, got ${show(value)}`, allowed);
  }

  /** An integer in [min, max] (inclusive), or the default when undefined. */
  int(obj: Record<string, unknown>, key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.bad(key, `an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}]`, v);
      return fallback;
    }
    return v;
  }

  /** A finite number satisfying `ok`, or the default when undefined. */
  num(obj: Record<string, unknown>, key: string, fallback: number, ok: (v: number) => boolean, allowed: string): number {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      this.bad(key, allowed, v);
      return fallback;
    }
    return v;
  }

  bool(obj: Record<string, unknown>, key: string, fallback: boolean): boolean {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'boolean') {
      this.bad(key, 'true or false', v);
      return fallback;
    }
    return v;
  }

  oneOf<T extends string>(obj: Record<string, unknown>, key: string, fallback: T, allowed: readonly T[]): T {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.bad(key, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, v);
      return fallback;
    }
    return v as T;
  }

  intArray(obj: Record<string, unknown>, key: string, fallback: readonly number[], min: number, minLength = 1): number[] {
    const v = obj[key] ?? fallback;
    if (!Array.isArray(v) || v.length < minLength || !v.every((e) => Number.isInteger(e) && e >= min)) {
      this.bad(key, `an array of at least ${minLength} integer(s) ≥ ${min}`, v);
      return [...fallback];
    }
    return [...(v as number[])];
  }

  /** Flags keys that the config does not know (typos would otherwise be silently ignored). */
  unknownKeys(obj: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) this.issue(k, `is not a known option (allowed: ${known.join(', ')})`, known.join(', '));
    }
  }

  get count(): number {
    return this.list.count;
  }

  /** The problems found so far, as message lines. */
  all(): readonly string[] {
    return new ConfigError(this.where, this.list.issues).problems;
  }

  /** The problems found so far, with paths and allowed values. */
  get issues(): readonly ConfigIssue[] {
    return this.list.issues;
  }

  throwIfAny(): void {
    this.list.throwIfAny(this.where);
  }
}

export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function asRecord(where: string, config: unknown): Record<string, unknown> {
  if (config == null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigError(where, [`config must be an object, got ${show(config)}`]);
  }
  return config as Record<string, unknown>;
}

/** The older spelling of a network config's `name`, still read so that checkpoints and run folders saved before load. */
export const NETWORK_NAME_ALIASES = ['kind'] as const;

/**
 * A network config with its variant under `name` (`kind`, the older key, moved there); when both are given and
 * disagree the config is returned as it is (its `name` is then reported, see {@link namedRecord}).
 */
export function withName(config: unknown): unknown {
  const r = withVariantName(config, NETWORK_NAME_ALIASES);
  return r.ok ? r.value : config;
}

/**
 * A network config as a record with its variant under `name`; `name` and `kind` that disagree are recorded in
 * `problems` (and both dropped, so the rest of the config is still checked).
 */
export function namedRecord(where: string, config: unknown, problems: Problems): Record<string, unknown> {
  const c = asRecord(where, config);
  const r = withVariantName(c, NETWORK_NAME_ALIASES);
  if (r.ok) return r.value;
  for (const i of r.issues) problems.issue(i.path, i.problem, i.allowed);
  const { name: _n, kind: _k, ...rest } = c;
  return rest;
}
