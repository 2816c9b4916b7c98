/** A validator for one option: a predicate and the words for what is allowed (and, for forms, its kind). */
export interface OptionCheck {
  readonly allowed: string;
  readonly ok: (value: unknown) => boolean;
  /** What a form can offer for it; absent for values a form cannot edit (arrays, functions, objects). */
  readonly kind?: 'integer' | 'number' | 'choice' | 'boolean';
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export const integerAtLeast = (min: number): OptionCheck => ({
  allowed: `an integer ≥ ${min}`,
  ok: (v) => isNumber(v) && Number.isInteger(v) && v >= min,
  kind: 'integer',
  min,
});
export const positive: OptionCheck = { allowed: 'a number > 0', ok: (v) => isNumber(v) && v > 0, kind: 'number' };
export const nonNegative: OptionCheck = { allowed: 'a number ≥ 0', ok: (v) => isNumber(v) && v >= 0, kind: 'number', min: 0 };
export const anyNumber: OptionCheck = { allowed: 'a finite number', ok: isNumber, kind: 'number' };
export const unitInterval: OptionCheck = { allowed: 'a number in [0, 1]', ok: (v) => isNumber(v) && v >= 0 && v <= 1, kind: 'number', min: 0, max: 1 };
export const boolean: OptionCheck = { allowed: 'true or false', ok: (v) => typeof v === 'boolean', kind: 'boolean' };
export const fn: OptionCheck = { allowed: 'a function', ok: (v) => typeof v === 'function' };
export const oneOf = (...values: readonly string[]): OptionCheck => ({
  allowed: `one of ${values.map((v) => `'${v}'`).join(', ')}`,
  ok: (v) => typeof v === 'string' && values.includes(v),
  kind: 'choice',
  choices: values,
});
export const decreasingPositive: OptionCheck = {
  allowed: 'an array of at least 2 decreasing positive numbers',
  ok: (v) =>
    (Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array) &&
    v.length >= 2 &&
    Array.from(v as ArrayLike<number>).every((s, i, a) => isNumber(s) && s > 0 && (i === 0 || s < a[i - 1])),
};
export const initChoice: OptionCheck = {
  allowed: "'prior' or { uniform: [lo, hi] } with lo < hi",
  ok: (v) =>
    v === 'prior' ||
    (typeof v === 'object' &&
      v !== null &&
      Array.isArray((v as { uniform?: unknown }).uniform) &&
      (v as { uniform: unknown[] }).uniform.length === 2 &&
      (v as { uniform: unknown[] }).uniform.every(isNumber) &&
      (v as { uniform: number[] }).uniform[0] < (v as { uniform: number[] }).uniform[1]),
};

/**
 * Checks a sampler's options against its spec: unknown names and invalid values are all reported in one error
 * that names each field and what it allows. Returns the options with undefined entries dropped.
 */
export function readOptions<T extends object>(sampler: string, options: unknown, spec: { readonly [K in keyof T]-?: OptionCheck }): T {
  specSeen?.(spec as Readonly<Record<string, OptionCheck>>);
  if (options == null) return {} as T;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`Sampler '${sampler}': options must be an object; got ${JSON.stringify(options)}`);
  }
  const problems: string[] = [];
  const allowed = Object.keys(spec);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const check = (spec as Record<string, OptionCheck>)[key];
    if (!check) problems.push(`unknown option '${key}' (allowed: ${allowed.join(', ')})`);
    else if (!check.ok(value)) problems.push(`${key} must be ${check.allowed}; got ${describe(value)}`);
    else out[key] = value;
  }
  if (problems.length > 0) throw new Error(`Sampler '${sampler}': invalid options:\n- ${problems.join('\n- ')}`);
  return out as T;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// samplerOptionSpec learns a sampler's spec by building it once with no options while listening here: the spec
// stays written once, beside the sampler that reads it.
let specSeen: ((spec: Readonly<Record<string, OptionCheck>>) => void) | undefined;

/** Runs `make` and returns the first spec it read options with. */
export function captureSpec(make: () => unknown): Readonly<Record<string, OptionCheck>> | undefined {
  let first: Readonly<Record<string, OptionCheck>> | undefined;
  const outer = specSeen;
  specSeen = (spec) => {
    first ??= spec;
  };
  try {
    make();
  } finally {
    specSeen = outer;
  }
  return first;
}
