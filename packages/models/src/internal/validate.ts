import { ConfigError } from '../ConfigError.js';

/**
 * Collects configuration problems so that a config reports all of them at once. Each check returns the value
 * (or the default when absent) so resolution and validation happen in one pass.
 */
export class Problems {
  private readonly list: string[] = [];
  constructor(readonly where: string) {}

  add(message: string): void {
    this.list.push(`${this.where}.${message}`);
  }

  /** An integer in [min, max] (inclusive), or the default when undefined. */
  int(obj: Record<string, unknown>, key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.add(`${key} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got ${show(v)}`);
      return fallback;
    }
    return v;
  }

  /** A finite number satisfying `ok`, or the default when undefined. */
  num(obj: Record<string, unknown>, key: string, fallback: number, ok: (v: number) => boolean, allowed: string): number {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      this.add(`${key} must be ${allowed}, got ${show(v)}`);
      return fallback;
    }
    return v;
  }

  bool(obj: Record<string, unknown>, key: string, fallback: boolean): boolean {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'boolean') {
      this.add(`${key} must be true or false, got ${show(v)}`);
      return fallback;
    }
    return v;
  }

  oneOf<T extends string>(obj: Record<string, unknown>, key: string, fallback: T, allowed: readonly T[]): T {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.add(`${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(v)}`);
      return fallback;
    }
    return v as T;
  }

  intArray(obj: Record<string, unknown>, key: string, fallback: readonly number[], min: number, minLength = 1): number[] {
    const v = obj[key] ?? fallback;
    if (!Array.isArray(v) || v.length < minLength || !v.every((e) => Number.isInteger(e) && e >= min)) {
      this.add(`${key} must be an array of at least ${minLength} integer(s) ≥ ${min}, got ${show(v)}`);
      return [...fallback];
    }
    return [...(v as number[])];
  }

  /** Flags keys that the config does not know (typos would otherwise be silently ignored). */
  unknownKeys(obj: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) this.add(`${k} is not a known option (allowed: ${known.join(', ')})`);
    }
  }

  get count(): number {
    return this.list.length;
  }

  /** The problems found so far. */
  all(): readonly string[] {
    return [...this.list];
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.where, this.list);
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
