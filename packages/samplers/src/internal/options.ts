import { optionChecks, readOptions as readCoreOptions, type OptionCheck, type OptionSpec } from '@scorekit/core';

// The samplers' option checks are core's (one convention for every registry); the two below are the samplers' own.
export const { integerAtLeast, positive, nonNegative, anyNumber, unitInterval, boolean, fn, oneOf } = optionChecks;
export type { OptionCheck, OptionSpec };

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

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
 * Checks a sampler's options against its spec: unknown names and invalid values are all reported in one
 * `ConfigError` (from `@scorekit/core`) naming each field and what it allows. Returns the options with undefined
 * entries dropped.
 */
export function readOptions<T extends object>(sampler: string, options: unknown, spec: OptionSpec<T>): T {
  return readCoreOptions(`Sampler '${sampler}'`, options, spec);
}
