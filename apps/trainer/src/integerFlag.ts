import { problem, type ConfigProblem } from './errors.js';

/**
 * Reads an integer flag: `fallback` when absent, else the number, with a problem pushed onto `problems` when it is
 * not an integer ≥ `min` (so a command reports every bad flag at once).
 *
 * @example
 * const steps = integerFlag(problems, '--steps', flags.steps, 500, 1);
 */
export function integerFlag(problems: ConfigProblem[], flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (!Number.isInteger(v) || v < min) problems.push(...problem(flag, `must be an integer ≥ ${min}, got '${value}'`));
  return v;
}
