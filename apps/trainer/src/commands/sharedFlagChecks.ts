import { BACKEND_CHOICES } from '../config.js';
import { THREAD_COUNTS } from '../backend.js';
import type { ConfigProblem } from '../errors.js';
import { seedProblem } from '../seeds.js';

/**
 * The problems of the flags several commands share — `--seed`, `--threads`, `--backend` — each pushed onto
 * `problems` with the flag and what it accepts; an absent flag is no problem. Each command calls them where its own
 * list puts them.
 *
 * @example
 * const problems: ConfigProblem[] = [];
 * seedFlagProblem('1.5', problems); // problems: [{ field: '--seed', message: "must be an integer in [0, 4294967295], got '1.5'" }]
 */
export function seedFlagProblem(seed: string | undefined, problems: ConfigProblem[]): void {
  if (seed == null) return;
  const text = seed.trim();
  const wrong = seedProblem(/^\d+$/.test(text) ? Number(text) : seed);
  if (wrong != null) problems.push({ field: '--seed', message: wrong });
}

/** `--threads`: 1 or 2 (see {@link seedFlagProblem}). */
export function threadsFlagProblem(threads: string | undefined, problems: ConfigProblem[]): void {
  if (threads != null && !(THREAD_COUNTS as readonly string[]).includes(threads)) {
    problems.push({ field: '--threads', message: `must be 1 (main thread only) or 2 (main thread + one worker for the wasm kernels), got '${threads}'`, allowed: THREAD_COUNTS });
  }
}

/** `--backend`: one of the backend choices (see {@link seedFlagProblem}). */
export function backendFlagProblem(backend: string | undefined, problems: ConfigProblem[]): void {
  if (backend != null && !BACKEND_CHOICES.includes(backend)) {
    problems.push({ field: '--backend', message: `unknown backend '${backend}'`, allowed: BACKEND_CHOICES });
  }
}
