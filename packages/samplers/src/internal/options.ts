import { optionChecks, readOptions as readCoreOptions, type OptionCheck as CoreOptionCheck } from '@scorekit/core';

/**
 * How a sampler option's value is written where only text exists (a command line): a whole number, a number,
 * true/false, one of named `values`, a list of numbers, or something only code can give (a function, an object).
 */
export type OptionKind = 'integer' | 'number' | 'boolean' | 'choice' | 'numbers' | 'init' | 'function';

/**
 * A validator for one option: core's check (a predicate and the words for what is allowed) plus how it is written
 * as text.
 */
export interface OptionCheck extends CoreOptionCheck {
  readonly kind?: OptionKind;
  /** The allowed words of a `'choice'`. */
  readonly values?: readonly string[];
}

/** One option of a sampler's spec: its check and a one-line help. */
export interface OptionSpecEntry extends OptionCheck {
  readonly kind: OptionKind;
  readonly help: string;
}

/** A sampler's option spec: every option of `T`, each with its check and help. */
export type OptionSpec<T> = { readonly [K in keyof T]-?: OptionSpecEntry };

/** Adds the one-line help to a check (keeping its getters live: registered names can grow). */
export const described = (check: OptionCheck & { readonly kind: OptionKind }, help: string): OptionSpecEntry =>
  Object.defineProperties({ help }, Object.getOwnPropertyDescriptors(check)) as OptionSpecEntry;

// The checks themselves are core's (`optionChecks`): one predicate and one wording per kind of value across
// the libraries; a sampler's spec only adds how each is written on a command line.
const { integerAtLeast: coreIntegerAtLeast, oneOf: coreOneOf } = optionChecks;
const writtenAs = <K extends OptionKind>(kind: K, check: CoreOptionCheck): OptionCheck & { readonly kind: K } => ({ kind, allowed: check.allowed, ok: check.ok });
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export const integerAtLeast = (min: number): OptionCheck & { readonly kind: OptionKind } => writtenAs('integer', coreIntegerAtLeast(min));
export const positive = writtenAs('number', optionChecks.positive);
export const nonNegative = writtenAs('number', optionChecks.nonNegative);
/** A number ≥ 0 or +∞ (a threshold whose default is "no limit", as k-diffusion's s_tmax = inf). */
export const nonNegativeOrInfinity = { kind: 'number', allowed: 'a number ≥ 0 or Infinity', ok: (v: unknown) => typeof v === 'number' && v >= 0 } as const satisfies OptionCheck;
export const anyNumber = writtenAs('number', optionChecks.anyNumber);
export const unitInterval = writtenAs('number', optionChecks.unitInterval);
export const boolean = writtenAs('boolean', optionChecks.boolean);
export const fn = writtenAs('function', optionChecks.fn);
export const oneOf = (...values: readonly string[]): OptionCheck & { readonly kind: OptionKind } => ({ ...writtenAs('choice', coreOneOf(...values)), values });
/** As {@link oneOf}, for a list that can grow after import (registered predictors and correctors). */
export const oneOfRegistered = (names: () => readonly string[]): OptionCheck & { readonly kind: OptionKind } => ({
  kind: 'choice',
  get values() {
    return names();
  },
  get allowed() {
    return `one of ${names().map((v) => `'${v}'`).join(', ')}`;
  },
  ok: (v) => typeof v === 'string' && names().includes(v),
});
export const decreasingPositive = {
  kind: 'numbers',
  allowed: 'an array of at least 2 decreasing positive numbers',
  ok: (v: unknown) =>
    (Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array) &&
    v.length >= 2 &&
    Array.from(v as ArrayLike<number>).every((s, i, a) => isNumber(s) && s > 0 && (i === 0 || s < a[i - 1])),
} as const satisfies OptionCheck;
export const initChoice = {
  kind: 'init',
  allowed: "'prior' or { uniform: [lo, hi] } with lo < hi",
  ok: (v: unknown) =>
    v === 'prior' ||
    (typeof v === 'object' &&
      v !== null &&
      Array.isArray((v as { uniform?: unknown }).uniform) &&
      (v as { uniform: unknown[] }).uniform.length === 2 &&
      (v as { uniform: unknown[] }).uniform.every(isNumber) &&
      (v as { uniform: number[] }).uniform[0] < (v as { uniform: number[] }).uniform[1]),
} as const satisfies OptionCheck;

/**
 * Checks a sampler's options against its spec with `@scorekit/core`'s one convention: unknown names and invalid
 * values are all reported in one `ConfigError` whose `issues` name each field and what it allows. Returns the
 * options with undefined entries dropped.
 */
export function readOptions<T extends object>(sampler: string, options: unknown, spec: { readonly [K in keyof T]-?: OptionCheck }): T {
  return readCoreOptions(`Sampler '${sampler}'`, options, spec);
}
