/** Returns `value ?? fallback` after checking it is an integer ≥ `min`; the message names the option. */
export function integerOption(value: number | undefined, fallback: number, name: string, min: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}; got ${v}`);
  return v;
}

/** Returns `value ?? fallback` after checking it is a finite number > 0 (or ≥ 0 with `allowZero`). */
export function positiveOption(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new Error(`${name} must be a finite number ${allowZero ? '≥' : '>'} 0; got ${v}`);
  }
  return v;
}

/** Returns `value ?? fallback` after checking it is one of `allowed`. */
export function choiceOption<T extends string | number>(
  value: T | undefined,
  fallback: T,
  name: string,
  allowed: readonly T[],
): T {
  const v = value ?? fallback;
  if (!allowed.includes(v)) throw new Error(`${name} must be one of ${allowed.join(', ')}; got ${String(v)}`);
  return v;
}
