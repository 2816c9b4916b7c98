import { formatBackendChoice, parseBackendName, selectBackend, setWasmThreads, wasmThreadsReady } from '@scorekit/core';
import type { BackendChoice } from '@scorekit/core';
import { CliError } from './errors.js';

/**
 * Chooses the TensorFlow.js backend for a command from its `--backend` flag (or `SCOREKIT_BACKEND`, or the
 * fastest available) and reports the choice on stderr. An unknown or unavailable backend is a {@link CliError}.
 *
 * @example
 * const choice = await useBackend(options.backend);   // stderr: "scorekit backend: wasm (…)"
 */
export async function useBackend(flag: string | undefined, log: (line: string) => void = stderrLine): Promise<BackendChoice> {
  try {
    const backend = flag != null ? parseBackendName(flag, '--backend') : undefined;
    return await selectBackend({ ...(backend != null ? { backend } : {}), report: (line) => log(line) });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export { formatBackendChoice };

/** The values `--threads` accepts. */
export const THREAD_COUNTS = ['1', '2'] as const;

/** What `--threads` help says. */
export const THREADS_HELP =
  'threads of the wasm kernels: 1, or 2 (default SCOREKIT_WASM_THREADS, else the native kernels on both cores and the rest on one)';

/**
 * Applies a `--threads` flag: how many threads scorekit's wasm kernels use (1, or 2: the main thread and one
 * worker; default `SCOREKIT_WASM_THREADS` or 1), waiting for the worker to come up so the command uses both cores
 * from its first kernel. Anything else is a {@link CliError} naming the allowed values.
 *
 * @example
 * await useThreads(options.threads);   // --threads 2
 */
export async function useThreads(flag: string | undefined): Promise<void> {
  if (flag === undefined) return;
  if (!(THREAD_COUNTS as readonly string[]).includes(flag)) {
    throw new CliError(`--threads must be 1 (main thread only) or 2 (main thread + one worker for the wasm kernels), got '${flag}'`);
  }
  setWasmThreads(Number(flag));
  if (flag === '2') await wasmThreadsReady();
}

function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
