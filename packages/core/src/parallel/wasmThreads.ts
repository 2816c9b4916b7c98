import { WasmWorkerPool } from './WasmWorkerPool.js';

let configured: number | undefined;

/**
 * One thread unless `SCOREKIT_WASM_THREADS=2`. The worker only pays when a core is idle: on a shared machine
 * (measured on 2 cores at load average 5–6) the main thread waits for a descheduled worker and two threads ran
 * slower than one (256³ matmul 2.5 vs 22.6 GFLOP/s; the benchmark's workloads at 0.5–2.2× their one-thread
 * rates, median 0.94×), so it is opt-in.
 */
function defaultThreads(): number {
  const env = typeof process === 'undefined' ? undefined : process.env?.SCOREKIT_WASM_THREADS;
  if (env !== undefined && env !== '') return parseThreads(Number(env), 'SCOREKIT_WASM_THREADS');
  return 1;
}

function parseThreads(n: number, what: string): number {
  if (n !== 1 && n !== 2) throw new Error(`${what} must be 1 (main thread only) or 2 (main thread + one worker), got ${n}`);
  return n;
}

/**
 * Sets how many threads scorekit's wasm kernels (matmul, convolutions and their gradients) use in Node: 1, or 2
 * (the main thread plus one worker). The default is 1, or `SCOREKIT_WASM_THREADS`; choose 2 on a machine
 * with a core to spare (the main thread waits for the worker's half of each job, so when the cores are busy a
 * descheduled worker slows training down).
 * tfjs-backend-wasm's own kernels stay on the main thread.
 *
 * @example
 * setWasmThreads(2); // a dedicated machine with an idle second core
 */
export function setWasmThreads(n: number): void {
  configured = parseThreads(n, 'setWasmThreads(n): n');
}

/** The number of threads scorekit's wasm kernels use (see {@link setWasmThreads}). */
export function getWasmThreads(): number {
  if (configured === undefined) configured = defaultThreads();
  return configured;
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
 * Resolves once the worker thread that `setWasmThreads(2)` asks for is running (true), or with false when there is
 * none (one thread configured, no worker threads in this runtime, or not up within `timeoutMs`). A new worker only
 * starts after the event loop turns, so synchronous work started right after `setWasmThreads(2)` runs on one thread;
 * await this first to use both from the start.
 */
export async function wasmThreadsReady(timeoutMs = 5000): Promise<boolean> {
  if (getWasmThreads() < 2) return false;
  const pool = WasmWorkerPool.shared();
  if (pool === null) return false;
  const until = performance.now() + timeoutMs;
  while (!pool.ready && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  return pool.ready;
}
