import { CliError } from './errors.js';

/** Seeds are unsigned 32-bit integers (the state `Rng` is seeded from): 0 ≤ seed < 2³². */
export const SEED_LIMIT = 2 ** 32;

/**
 * What is wrong with a seed, or `undefined` when it is an integer in [0, 2³²). Larger seeds would be taken modulo
 * 2³² (`4294967303` would equal `7`), so they are refused rather than silently folded.
 *
 * @example
 * seedProblem(4294967303); // "must be an integer in [0, 4294967295], got 4294967303 (seeds are 32-bit)"
 */
export function seedProblem(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < SEED_LIMIT) return undefined;
  const shown = typeof value === 'string' ? `'${value}'` : typeof value === 'number' ? String(value) : JSON.stringify(value) ?? 'nothing';
  return `must be an integer in [0, ${SEED_LIMIT - 1}], got ${shown}${typeof value === 'number' && value >= SEED_LIMIT ? ' (seeds are 32-bit)' : ''}`;
}

/**
 * Parses a `--seed` flag: decimal digits only (no `1e3`, `0x10`, `7.0` or `-1`), below 2³².
 *
 * @example
 * parseSeedFlag('42'); // 42
 */
export function parseSeedFlag(text: string, flag = '--seed'): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : text;
  const wrong = seedProblem(value);
  if (wrong != null) throw new CliError(`${flag} ${wrong}`);
  return value as number;
}

/**
 * The seed of a derived stream (data, noise, samples: `seed + stream`), kept in [0, 2³²) so that a seed near 2³²
 * still gives a valid one.
 *
 * @example
 * streamSeed(4294967295, 1); // 0
 */
export function streamSeed(seed: number, stream: number): number {
  return (seed + stream) >>> 0;
}
