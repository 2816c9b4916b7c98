import { IssueList } from '@scorekit/core';
import { ObjectiveConfigError } from '../ObjectiveConfigError.js';

/** Renders a user-supplied value for an error message. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v == null) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Collects option problems so that one call reports all of them. Each reader returns the value, or the default
 * when the option is absent, so resolving and validating happen in one pass.
 */
export class Problems {
  private readonly list: IssueList;
  constructor(readonly where: string) {
    this.list = new IssueList(where);
  }

  /** A problem worded as `<option> <what is wrong>`: the first word is the option's path under `where`. */
  add(message: string): void {
    const space = message.indexOf(' ');
    if (space < 0) this.list.add('', message);
    else this.list.add(message.slice(0, space), message.slice(space + 1));
  }

  /** Records one problem of the option `path` (under `where`) with what it allows. */
  issue(path: string, problem: string, allowed?: string): void {
    this.list.add(path, problem, allowed);
  }

  private bad(key: string, allowed: string, value: unknown): void {
    this.list.add(key, `must be ${allowed}, got ${show(value)}`, allowed);
  }

  num(obj: Record<string, unknown>, key: string, fallback: number, ok: (v: number) => boolean, allowed: string): number {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      this.bad(key, allowed, v);
      return fallback;
    }
    return v;
  }

  int(obj: Record<string, unknown>, key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const allowed = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    return this.num(obj, key, fallback, (v) => Number.isInteger(v) && v >= min && v <= max, allowed);
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

  /** Flags options the objective does not know: a typo would otherwise be silently ignored. */
  unknownKeys(obj: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) this.list.add(k, `is not an option of this objective (allowed: ${known.length > 0 ? known.join(', ') : 'none'})`, known.join(', '));
    }
  }

  throwIfAny(): void {
    if (this.list.count > 0) throw new ObjectiveConfigError(this.where, this.list.issues);
  }
}

/** The options object as a record (undefined → {}), or an error naming the objective. */
export function asRecord(where: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ObjectiveConfigError(where, [`options must be an object, got ${show(options)}`]);
  }
  return options as Record<string, unknown>;
}
