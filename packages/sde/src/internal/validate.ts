import { IssueList } from '@scorekit/core';

/** Throws unless `value` is a finite number satisfying `ok`; the message names the field and the allowed range. */
export function requireNumber(owner: string, field: string, value: unknown, ok: (v: number) => boolean, allowed: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new Error(`${owner}: ${field} must be ${allowed}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Throws unless t lies in [0, T] (with a little slack for rounding), naming the method. */
export function requireTime(owner: string, t: number, T: number): void {
  if (!(t >= -1e-12 && t <= T + 1e-12)) throw new Error(`${owner}: t must lie in [0, ${T}]; got ${t}`);
}

/**
 * Reads an SDE's numeric options, collecting every problem (core's `IssueList`) instead of stopping at the first;
 * `done()` throws one `ConfigError` naming them all. A bad value is replaced by its default so later checks that
 * compare against it (betaMax > betaMin) still say something true.
 */
export class SdeOptionReader {
  private readonly issues = new IssueList();
  constructor(private readonly owner: string) {}

  number(field: string, value: unknown, fallback: number, ok: (v: number) => boolean, allowed: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
      this.issues.add(field, `must be ${allowed}; got ${JSON.stringify(value)}`, allowed);
      return fallback;
    }
    return value;
  }

  problem(field: string, problem: string, allowed?: string): void {
    this.issues.add(field, problem, allowed);
  }

  done(): void {
    this.issues.throwIfAny(this.owner, `${this.owner}: invalid options`);
  }
}
