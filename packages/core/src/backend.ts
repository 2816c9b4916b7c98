import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './wasm/registerWasmKernels.js';

// Registering at import means every package that uses scorekit gets the complete wasm backend, whichever way the
// backend is later chosen (selectBackend, or tf.setBackend directly).
registerWasmKernels();

/** Backends scorekit can run on, fastest first. `tensorflow` is libtensorflow through tfjs-node(-gpu). */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What {@link selectBackend} chose, and why. */
export interface BackendChoice {
  readonly name: BackendName;
  /** The npm package that provides it (`@tensorflow/tfjs-node-gpu`, …). */
  readonly provider: string;
  /** Backends tried before this one, with the reason each was passed over. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

export interface SelectBackendOptions {
  /** `auto` (the default) tries tensorflow, then wasm, then cpu. Overrides `SCOREKIT_BACKEND`. */
  readonly backend?: BackendName | 'auto';
}

/** Thrown when a backend was asked for by name and cannot be loaded; the message says how to install it. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

const NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

const INSTALL_HINT =
  'Install the GPU build with `pnpm add @tensorflow/tfjs-node-gpu@4.22.0` (Linux x64, CUDA 11.2 + cuDNN 8) or the ' +
  'CPU build with `pnpm add @tensorflow/tfjs-node@4.22.0`; both download libtensorflow while installing, so the ' +
  'machine needs access to storage.googleapis.com. Without them scorekit runs on wasm or cpu.';

/**
 * Chooses and initialises the TensorFlow.js backend: tfjs-node-gpu, then tfjs-node (both optional peer
 * dependencies, used only if installed), then wasm, then cpu. `SCOREKIT_BACKEND=tensorflow|wasm|cpu` or the
 * `backend` option forces one; forcing one that cannot load throws {@link BackendUnavailableError}.
 *
 * @example
 * const choice = await selectBackend();
 * console.log(`backend: ${choice.name} (${choice.provider})`);
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendChoice> {
  const requested = parseBackendName(options.backend ?? process.env.SCOREKIT_BACKEND ?? 'auto');
  const skipped: { name: string; reason: string }[] = [];
  const order: BackendName[] = requested === 'auto' ? [...BACKEND_NAMES] : [requested];
  for (const name of order) {
    const outcome = await activate(name);
    if (outcome.ok) return { name, provider: outcome.provider, skipped };
    if (requested !== 'auto') {
      throw new BackendUnavailableError(
        `The '${name}' backend was requested but cannot be used: ${outcome.reason}` +
          (name === 'tensorflow' ? `\n${INSTALL_HINT}` : ''),
      );
    }
    skipped.push({ name, reason: outcome.reason });
  }
  // cpu always loads; reaching here means tfjs itself is broken.
  throw new BackendUnavailableError(`No TensorFlow.js backend could be initialised: ${JSON.stringify(skipped)}`);
}

/** Validates a backend name from a config, a flag or the environment. */
export function parseBackendName(value: string): BackendName | 'auto' {
  const allowed = ['auto', ...BACKEND_NAMES];
  if (!allowed.includes(value)) {
    throw new BackendUnavailableError(`Unknown backend '${value}'. Allowed: ${allowed.join(', ')}.`);
  }
  return value as BackendName | 'auto';
}

type Activation = { ok: true; provider: string } | { ok: false; reason: string };

async function activate(name: BackendName): Promise<Activation> {
  if (name === 'tensorflow') return activateTensorflow();
  if (name === 'wasm') registerWasmKernels();
  try {
    if (!(await tf.setBackend(name))) return { ok: false, reason: `tf.setBackend('${name}') returned false` };
    await tf.ready();
    return { ok: true, provider: name === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs' };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

async function activateTensorflow(): Promise<Activation> {
  const reasons: string[] = [];
  for (const pkg of NODE_PACKAGES) {
    try {
      await import(/* @vite-ignore */ pkg);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      reasons.push(
        err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND'
          ? `${pkg} is not installed`
          : `${pkg} failed to load (${err.message.split('\n')[0]})`,
      );
      continue;
    }
    if (tf.findBackend('tensorflow') == null) {
      reasons.push(`${pkg} loaded but registered no 'tensorflow' backend with this copy of @tensorflow/tfjs (versions must match 4.22.0)`);
      continue;
    }
    if (await tf.setBackend('tensorflow')) {
      await tf.ready();
      return { ok: true, provider: pkg };
    }
    reasons.push(`${pkg} loaded but the tensorflow backend failed to initialise`);
  }
  return { ok: false, reason: reasons.join('; ') };
}
