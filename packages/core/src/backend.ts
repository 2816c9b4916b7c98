import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-wasm';
import './tfjs/registerGradients.js';
import type { createRequire } from 'node:module';
import './wasm/registerOnImport.js';
import { registerWasmKernels } from './wasm/registerWasmKernels.js';
import { installDawnGpu } from './webgpu/installDawnGpu.js';
import { nativeKernelsStatus, type NativeKernelsStatus } from './native/nativeKernels.js';

/**
 * Backends scorekit can run on, fastest first. `tensorflow` is libtensorflow through tfjs-node(-gpu) (Node only);
 * `webgpu` and `webgl` are the GPU backends browsers offer (`webgl` from `@tensorflow/tfjs-backend-webgl`, which
 * registers itself only in browsers; `webgpu` is loaded from `@tensorflow/tfjs-backend-webgpu` only where `navigator.gpu` exists).
 */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What {@link selectBackend} chose, and why. */
export interface BackendChoice {
  readonly name: BackendName;
  /** The npm package that provides it (`@tensorflow/tfjs-node-gpu`, …). */
  readonly provider: string;
  /** Where the request came from: the `backend` option, the `SCOREKIT_BACKEND` variable, or the default `auto`. */
  readonly requestedBy: 'option' | 'SCOREKIT_BACKEND' | 'default';
  /** Backends tried before this one, with the reason each was passed over. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  /** On wasm: whether matrix products run through `@scorekit/native`'s AVX2 kernels, and if not, why. */
  readonly native?: NativeKernelsStatus;
}

export interface SelectBackendOptions {
  /**
   * `auto` (the default) tries tensorflow (Node), webgpu, webgl (browsers), wasm, then cpu. Overrides
   * `SCOREKIT_BACKEND`.
   */
  readonly backend?: BackendName | 'auto';
  /**
   * Where the one-line report of the choice goes (see {@link formatBackendChoice}): a function, or `false` for
   * none. Default: a line on stderr, so a CLI's stdout stays clean.
   */
  readonly report?: ((line: string) => void) | false;
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
 * dependencies, used only if installed, Node only), then webgpu and webgl where the runtime offers them (browsers),
 * then wasm, then cpu. `SCOREKIT_BACKEND=auto|tensorflow|webgpu|webgl|wasm|cpu` (Node) or the `backend` option
 * (which wins) forces one; forcing one that cannot load throws {@link BackendUnavailableError}.
 * The choice, and what was skipped and why, is returned and reported in one line (see `report`). Works without
 * `process` (browsers): the variable is then not read and the report goes to `console.info`. tfjs's
 * "looks like you are running TensorFlow.js in Node.js" banner is silenced when the choice is cpu, since this
 * report says the same thing; tfjs's global production mode is left alone.
 *
 * @example
 * const choice = await selectBackend();            // stderr: "scorekit backend: wasm (…); skipped tensorflow: …"
 * await selectBackend({ backend: 'cpu', report: false });
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendChoice> {
  const env = typeof process === 'undefined' ? undefined : process.env?.SCOREKIT_BACKEND;
  const requestedBy: BackendChoice['requestedBy'] =
    options.backend != null ? 'option' : env != null && env !== '' ? 'SCOREKIT_BACKEND' : 'default';
  const raw = requestedBy === 'option' ? options.backend! : requestedBy === 'SCOREKIT_BACKEND' ? env! : 'auto';
  const requested = parseBackendName(raw, requestedBy === 'option' ? 'the backend option' : requestedBy);
  const skipped: { name: string; reason: string }[] = [];
  const order: BackendName[] = requested === 'auto' ? autoOrder() : [requested];
  for (const name of order) {
    const outcome = await activate(name, requested !== 'auto');
    if (outcome.ok) {
      const choice: BackendChoice = {
        name,
        provider: outcome.provider,
        requestedBy,
        skipped,
        ...(name === 'wasm' ? { native: nativeKernelsStatus() } : {}),
      };
      const report = options.report ?? defaultReport;
      if (report !== false) report(formatBackendChoice(choice));
      return choice;
    }
    if (requested !== 'auto') {
      const source = requestedBy === 'SCOREKIT_BACKEND' ? ` (from SCOREKIT_BACKEND=${raw})` : '';
      throw new BackendUnavailableError(
        `The '${name}' backend was requested${source} but cannot be used: ${outcome.reason}` +
          (name === 'tensorflow' ? `\n${INSTALL_HINT}` : ''),
      );
    }
    skipped.push({ name, reason: outcome.reason });
  }
  // cpu always loads; reaching here means tfjs itself is broken.
  throw new BackendUnavailableError(`No TensorFlow.js backend could be initialised: ${JSON.stringify(skipped)}`);
}

/**
 * The one-line report {@link selectBackend} prints: the backend, its package, and each backend skipped with why.
 *
 * @example
 * formatBackendChoice(await selectBackend({ report: false }));
 * // "scorekit backend: wasm (@tensorflow/tfjs-backend-wasm, native kernels on); skipped tensorflow: …"
 */
export function formatBackendChoice(choice: BackendChoice): string {
  const skipped = choice.skipped.map((s) => `; skipped ${s.name}: ${s.reason}`).join('');
  const via = choice.requestedBy === 'SCOREKIT_BACKEND' ? ', from SCOREKIT_BACKEND' : '';
  const native =
    choice.native === undefined ? '' : choice.native.active ? ', native kernels on' : `, native kernels off: ${choice.native.reason}`;
  return `scorekit backend: ${choice.name} (${choice.provider}${via}${native})${skipped}`;
}

/**
 * Validates a backend name from a config, a flag or the environment; `source` names where it came from in the
 * error message.
 *
 * @example
 * parseBackendName('wasm');                       // 'wasm'
 * parseBackendName('gpu', 'SCOREKIT_BACKEND');    // throws: Unknown backend 'gpu' in SCOREKIT_BACKEND. Allowed: auto, tensorflow, wasm, cpu.
 */
export function parseBackendName(value: string, source?: string): BackendName | 'auto' {
  const allowed: readonly string[] = ['auto', ...BACKEND_NAMES];
  if (!allowed.includes(value)) {
    const where = source != null ? ` in ${source}` : '';
    throw new BackendUnavailableError(`Unknown backend '${value}'${where}. Allowed: ${allowed.join(', ')}.`);
  }
  return value as BackendName | 'auto';
}

type Activation = { ok: true; provider: string } | { ok: false; reason: string };

// Auto tries only what this runtime can have: libtensorflow in Node, WebGL in browsers (WebGPU in both: Node gets
// it from the npm `webgpu` package).
function autoOrder(): BackendName[] {
  const inNode = typeof process !== 'undefined' && process.versions?.node != null;
  return BACKEND_NAMES.filter((name) => (inNode ? name !== 'webgl' : name !== 'tensorflow'));
}

const PROVIDERS: Record<Exclude<BackendName, 'tensorflow'>, string> = {
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

// A CLI keeps stdout for results, so the report goes to stderr in Node; browsers have only the console.
function defaultReport(line: string): void {
  if (typeof process !== 'undefined' && typeof process.stderr?.write === 'function') process.stderr.write(`${line}\n`);
  else console.info(line);
}

async function activate(name: BackendName, requestedByName: boolean): Promise<Activation> {
  if (name === 'tensorflow') return activateTensorflow();
  if (name === 'webgpu') {
    const missing = await loadWebGpuBackend(requestedByName);
    if (missing !== null) return { ok: false, reason: missing };
  }
  if (name === 'webgl' && tf.findBackendFactory('webgl') == null) {
    return { ok: false, reason: 'WebGL is offered only in browsers (tfjs registers webgl where a document or OffscreenCanvas exists)' };
  }
  if (name === 'wasm') registerWasmKernels();
  if (name === 'cpu') silenceCpuBanner();
  try {
    if (!(await tf.setBackend(name))) return { ok: false, reason: `tf.setBackend('${name}') returned false` };
    await tf.ready();
    return { ok: true, provider: PROVIDERS[name] };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

// The cpu backend prints its "install tfjs-node" banner on its first tensor write unless tfjs is in production
// mode (tfjs-backend-cpu backend_cpu.ts MathBackendCPU.write). Production mode also turns off tfjs's NaN and
// argument checks for everyone, so instead we mark this backend instance as already used.
function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as (tf.KernelBackend & { firstUse?: boolean }) | null;
  if (cpu != null && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

// The WebGPU backend is loaded only where an adapter can exist, so runtimes without WebGPU never pay for it, and
// bundlers split it into a chunk of its own. In Node, navigator.gpu comes from the optional `webgpu` package. tfjs-backend-webgpu registers itself on import when navigator.gpu exists.
async function loadWebGpuBackend(byName: boolean): Promise<string | null> {
  if (tf.findBackendFactory('webgpu') != null) return null;
  if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu == null) {
    const requireFromHere = nodeRequire();
    if (requireFromHere === null) return 'no navigator.gpu in this runtime';
    const missing = await installDawnGpu(requireFromHere, byName);
    if (missing !== null) return missing;
  }
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return `@tensorflow/tfjs-backend-webgpu failed to load (${String((e as Error).message).split('\n')[0]})`;
  }
  return tf.findBackendFactory('webgpu') == null ? '@tensorflow/tfjs-backend-webgpu registered no webgpu backend' : null;
}

// Read through process.getBuiltinModule (Node ≥ 20.16) rather than imported, so browser bundles carry no node:module.
function nodeRequire(): NodeJS.Require | null {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return null;
  const nodeModule = process.getBuiltinModule('node:module') as { createRequire: typeof createRequire } | undefined;
  return nodeModule === undefined ? null : nodeModule.createRequire(import.meta.url);
}

function isInstalled(pkg: string, requireFromHere: NodeJS.Require): boolean {
  try {
    requireFromHere.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

async function activateTensorflow(): Promise<Activation> {
  const requireFromHere = nodeRequire();
  if (requireFromHere === null) return { ok: false, reason: 'tfjs-node runs only in Node' };
  const reasons: string[] = [];
  for (const pkg of NODE_PACKAGES) {
    // Resolve first, so "not installed" is told apart from "installed but libtensorflow failed to load" under
    // any module loader (Node says ERR_MODULE_NOT_FOUND, bundlers and vitest say other things).
    if (!isInstalled(pkg, requireFromHere)) {
      reasons.push(`${pkg} is not installed`);
      continue;
    }
    try {
      await import(/* @vite-ignore */ pkg);
    } catch (e) {
      reasons.push(`${pkg} failed to load (${String((e as Error).message).split('\n')[0]})`);
      continue;
    }
    if (tf.findBackend('tensorflow') == null) {
      reasons.push(`${pkg} loaded but registered no 'tensorflow' backend with this copy of @tensorflow/tfjs-core (versions must match 4.22.0)`);
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
