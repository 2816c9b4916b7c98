import type * as NodeOs from 'node:os';
import { WasmWorkerPool } from './WasmWorkerPool.js';

let configured: number | undefined;

// SCOREKIT_WASM_THREADS as read at first use, and the core count: every native kernel asks for its thread count, and
// reading process.env and node:os each time cost a few ms of a U-Net step on the main thread. resetWasmThreads()
// reads the environment again.
let envRead: { value: string | undefined } | undefined;
let cores: number | undefined;

/** `setWasmThreads`'s value, else `SCOREKIT_WASM_THREADS`'s, else undefined: what the user asked for. */
function requestedThreads(): number | undefined {
  if (configured !== undefined) return configured;
  envRead ??= { value: typeof process === 'undefined' ? undefined : process.env?.SCOREKIT_WASM_THREADS };
  const env = envRead.value;
  if (env !== undefined && env !== '') return parseThreads(env, 'SCOREKIT_WASM_THREADS');
  return undefined;
}

/** 1 or 2, from a number (setWasmThreads) or the environment's string; anything else is named as given. */
function parseThreads(value: number | string, what: string): number {
  if (value !== 1 && value !== 2 && value !== '1' && value !== '2') {
    const shown = typeof value === 'string' ? `'${value}'` : String(value);
    throw new Error(`${what} must be 1 (main thread only) or 2 (main thread + one worker), got ${shown}`);
  }
  return Number(value);
}

/**
 * Sets how many threads scorekit's wasm kernels (matmul, convolutions and their gradients) use in Node: 1, or 2
 * (the main thread plus one worker). The default is 1, or `SCOREKIT_WASM_THREADS` (read once, at first use); choose 2 on a machine
 * with a core to spare (the main thread waits for the worker's half of each job, so when the cores are busy a
 * descheduled worker slows training down). Block-scheduled jobs (`forEachProductBlock`: metrics' distances and
 * covariances) use the worker by default on a machine with two cores or more, since a slow worker delays them by
 * one block at most; `setWasmThreads(1)` or `SCOREKIT_WASM_THREADS=1` keeps them on one thread too.
 * tfjs-backend-wasm's own kernels stay on the main thread.
 *
 * @example
 * setWasmThreads(2); // a dedicated machine with an idle second core
 */
export function setWasmThreads(n: number): void {
  configured = parseThreads(n, 'setWasmThreads(n): n');
}

/**
 * The number of threads scorekit's wasm kernels use (see {@link setWasmThreads}). One unless asked: the worker
 * only pays when a core is idle — on a shared machine (2 cores at load average 5–6) the main thread waited for a
 * descheduled worker and two threads ran slower than one (256³ matmul 2.5 vs 22.6 GFLOP/s; the benchmark's
 * workloads at 0.5–2.2× their one-thread rates, median 0.94×).
 */
export function getWasmThreads(): number {
  return requestedThreads() ?? 1;
}

/**
 * Threads for block-scheduled jobs (forEachProductBlock): as asked, else 2 where there are at least two cores.
 * Each block goes whole to whichever thread is free, so a descheduled worker costs at most the block it holds.
 */
export function blockJobThreads(): number {
  const asked = requestedThreads();
  if (asked !== undefined) return asked;
  if (cores === undefined) {
    const os =
      typeof process !== 'undefined' && typeof process.getBuiltinModule === 'function'
        ? (process.getBuiltinModule('node:os') as typeof NodeOs | undefined)
        : undefined;
    cores = os === undefined ? 1 : os.availableParallelism();
  }
  return cores >= 2 ? 2 : 1;
}

/** @internal Forgets `setWasmThreads` and the environment's value read so far (tests of the defaults). */
export function resetWasmThreads(): void {
  configured = undefined;
  envRead = undefined;
}

let minFlops = 2e7;

/** Jobs below this many floating-point operations stay on one thread (internal; tests lower it). */
export function parallelMinFlops(): number {
  return minFlops;
}

/** @internal Lowers or raises the split threshold (tests use 0 to exercise the two-thread paths on small shapes). */
export function setParallelMinFlops(flops: number): void {
  minFlops = flops;
}

/**
 * Resolves once scorekit's worker thread is running (true), or with false when none will be used (one thread asked
 * for, a one-core machine, no worker threads in this runtime, or not up within `timeoutMs`). A new worker only
 * starts after the event loop turns, so synchronous work — a first `precisionRecall` or `featureStatistics`, a
 * training step right after `setWasmThreads(2)` — runs on one thread until then; await this first to use both
 * cores from the start.
 */
export async function wasmThreadsReady(timeoutMs = 5000): Promise<boolean> {
  if (Math.max(getWasmThreads(), blockJobThreads()) < 2) return false;
  const pool = WasmWorkerPool.shared();
  if (pool === null) return false;
  const until = performance.now() + timeoutMs;
  while (!pool.ready && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  return pool.ready;
}
