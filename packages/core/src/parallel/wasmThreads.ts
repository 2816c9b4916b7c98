import type * as OsModule from 'node:os';

let configured: number | undefined;

function defaultThreads(): number {
  const env = typeof process === 'undefined' ? undefined : process.env?.SCOREKIT_WASM_THREADS;
  if (env !== undefined && env !== '') return parseThreads(Number(env), 'SCOREKIT_WASM_THREADS');
  const os =
    typeof process !== 'undefined' && typeof process.getBuiltinModule === 'function'
      ? (process.getBuiltinModule('node:os') as typeof OsModule | undefined)
      : undefined;
  const cores = os === undefined ? 1 : typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores >= 2 ? 2 : 1;
}

function parseThreads(n: number, what: string): number {
  if (n !== 1 && n !== 2) throw new Error(`${what} must be 1 (main thread only) or 2 (main thread + one worker), got ${n}`);
  return n;
}

/**
 * Sets how many threads scorekit's wasm kernels (matmul, convolutions and their gradients) use in Node: 1, or 2
 * (the main thread plus one worker). The default is 2 on machines with at least two cores, or
 * `SCOREKIT_WASM_THREADS`. tfjs-backend-wasm's own kernels stay on the main thread.
 *
 * @example
 * setWasmThreads(1); // e.g. when several processes already share the cores
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
