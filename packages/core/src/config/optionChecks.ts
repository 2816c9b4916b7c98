/** A check of one option's value: a predicate and the words for what is allowed (shown in errors and help). */
export interface OptionCheck {
  readonly allowed: string;
  readonly ok: (value: unknown) => boolean;
}

/** The option spec of a registered variant: one check per option name (every option optional). */
export type OptionSpec<T> = { readonly [K in keyof T]-?: OptionCheck };

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** An integer ≥ `min` (and ≤ `max` when given). */
export const integerAtLeast = (min: number, max?: number): OptionCheck => ({
  allowed: max == null ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`,
  ok: (v) => isNumber(v) && Number.isInteger(v) && v >= min && (max == null || v <= max),
});
/** A finite number > 0. */
export const positive: OptionCheck = { allowed: 'a number > 0', ok: (v) => isNumber(v) && v > 0 };
/** A finite number ≥ 0. */
export const nonNegative: OptionCheck = { allowed: 'a number ≥ 0', ok: (v) => isNumber(v) && v >= 0 };
/** Any finite number. */
export const anyNumber: OptionCheck = { allowed: 'a finite number', ok: isNumber };
/** A number in [0, 1]. */
export const unitInterval: OptionCheck = { allowed: 'a number in [0, 1]', ok: (v) => isNumber(v) && v >= 0 && v <= 1 };
/** A number in the open interval (lo, hi). */
export const openInterval = (lo: number, hi: number): OptionCheck => ({ allowed: `a number in (${lo}, ${hi})`, ok: (v) => isNumber(v) && v > lo && v < hi });
/** true or false. */
export const boolean: OptionCheck = { allowed: 'true or false', ok: (v) => typeof v === 'boolean' };
/** A function. */
export const fn: OptionCheck = { allowed: 'a function', ok: (v) => typeof v === 'function' };
/** One of the given strings. */
export const oneOf = (...values: readonly string[]): OptionCheck => ({
  allowed: `one of ${values.map((v) => `'${v}'`).join(', ')}`,
  ok: (v) => typeof v === 'string' && values.includes(v),
});

/** Renders a user-supplied value for an error message. */
export function showValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return `'${value}'`;
  // JSON would print NaN and ±Infinity as null.
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
