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
