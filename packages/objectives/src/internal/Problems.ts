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
  private readonly list: string[] = [];
  constructor(readonly where: string) {}

  add(message: string): void {
    this.list.push(`${this.where}.${message}`);
  }

  num(obj: Record<string, unknown>, key: string, fallback: number, ok: (v: number) => boolean, allowed: string): number {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      this.add(`${key} must be ${allowed}, got ${show(v)}`);
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

  /** Flags options the objective does not know: a typo would otherwise be silently ignored. */
  unknownKeys(obj: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) this.add(`${k} is not an option of this objective (allowed: ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ObjectiveConfigError(this.where, this.list);
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
