import { formatBackendChoice, parseBackendName, selectBackend } from '@scorekit/core';
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

function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
