import type * as WorkerThreadsModule from 'node:worker_threads';
import { WORKER_SOURCE } from './workerSource.js';

type WorkerThreads = typeof WorkerThreadsModule;

/** One argument of a grid job: base + i·di + j·dj for grid cell (i, j). */
export interface GridArg {
  readonly base: number;
  readonly di?: number;
  readonly dj?: number;
}

const SEQ = 0;
const DONE = 1;
const ERR = 2;
const READY = 3;
const JOB = 4;
const MAX_ARGS = 16;
/** Where the worker writes the microseconds its last job ran (the slot after the job arguments). */
const BUSY_US = JOB + 5 + 3 * MAX_ARGS;

/**
 * A second thread for our wasm kernels in Node: a worker that owns nothing but instances of our generated kernel
 * modules on a shared `WebAssembly.Memory`. The main thread copies a job's inputs into that memory, starts the
 * worker on its share of the grid, computes its own share on tfjs's heap, waits (Atomics), and copies the
 * worker's results back. tfjs-backend-wasm itself stays single-threaded (its heap is not shared).
 */
export class WasmWorkerPool {
  readonly memory: WebAssembly.Memory;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (BUSY_US + 1)));
  private readonly port: WorkerThreadsModule.MessagePort;
  private readonly worker: WorkerThreadsModule.Worker;
  private readonly moduleIds = new Map<string, number>();
  /** Function names of every registered instance by id (shared-memory modules and job-scoped ones). */
  private readonly namesById = new Map<number, string[]>();
  private nextId = 0;
  private seq = 0;
  /** Jobs handed to the worker so far. */
  jobs = 0;
  private pending = false;
  private top = 0;

  private constructor(wt: WorkerThreads) {
    this.memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
    const { port1, port2 } = new wt.MessageChannel();
    this.port = port1;
    this.worker = new wt.Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { memory: this.memory, control: this.control.buffer, port: port2, busySlot: BUSY_US },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  /** A pool where worker threads exist (Node), else null. */
  static create(): WasmWorkerPool | null {
    const wt =
      typeof process !== 'undefined' && typeof process.getBuiltinModule === 'function'
        ? (process.getBuiltinModule('node:worker_threads') as WorkerThreads | undefined)
        : undefined;
    if (wt === undefined || typeof SharedArrayBuffer === 'undefined') return null;
    return new WasmWorkerPool(wt);
  }

  private static instance: WasmWorkerPool | null | undefined;

  /** The process's one pool (one worker thread serves every kernel and backend), created on first call. */
  static shared(): WasmWorkerPool | null {
    if (WasmWorkerPool.instance === undefined) {
      try {
        WasmWorkerPool.instance = WasmWorkerPool.create();
      } catch {
        WasmWorkerPool.instance = null;
      }
    }
    return WasmWorkerPool.instance;
  }

  private holder: string | null = null;

  /**
   * Takes the pool (its memory and worker) for a long job made of many worker jobs; kernels see no pool until
   * {@link release}, so a tfjs op run in between stays on one thread instead of resetting the memory under it.
   */
  reserve(who: string): void {
    if (this.holder !== null) throw new Error(`scorekit wasm worker: already reserved by ${this.holder}`);
    this.holder = who;
    this.reset();
  }

  /** Ends a {@link reserve}, waiting for a started job first. */
  release(): void {
    this.wait();
    this.holder = null;
  }

  /** Whether a {@link reserve} holds the pool. */
  get reserved(): boolean {
    return this.holder !== null;
  }

  /** Whether no job is running (a started one has finished): {@link wait} would return at once. */
  get idle(): boolean {
    return !this.pending || Atomics.load(this.control, DONE) === this.seq;
  }

  /**
   * Whether the worker is running its loop. A new worker thread only starts once the main thread's event loop has
   * turned, so kernels run serially until then rather than wait for it.
   */
  get ready(): boolean {
    return Atomics.load(this.control, READY) === 1;
  }

  /** The shared memory as floats (re-read after `alloc`, which may grow it). */
  get f32(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /** Frees every allocation (call at the start of a kernel). */
  reset(): void {
    this.top = 64;
  }

  /** Bump-allocates `bytes` (16-aligned) in the shared memory, growing it as needed. */
  alloc(bytes: number): number {
    const p = Math.ceil(this.top / 16) * 16;
    const end = p + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / 65536));
    this.top = end;
    return p;
  }

  /** Registers a compiled module (built for the shared memory) with the worker, once per key. */
  module(key: string, compile: () => WebAssembly.Module, names: string[]): number {
    let id = this.moduleIds.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.moduleIds.set(key, id);
      this.namesById.set(id, names);
      this.port.postMessage({ id, module: compile(), names });
    }
    return id;
  }

  /**
   * Instantiates `module` in the worker on a memory of its own (a shared memory a long job allocated for its data,
   * so that it can be freed afterwards: the pool's memory never shrinks). Pair with {@link forget}.
   */
  moduleOn(memory: WebAssembly.Memory, module: WebAssembly.Module, names: string[]): number {
    const id = this.nextId++;
    this.namesById.set(id, names);
    this.port.postMessage({ id, module, names, memory });
    return id;
  }

  /** Drops a {@link moduleOn} instance in the worker (and with it the worker's hold on its memory), waiting for it. */
  forget(id: number): void {
    this.wait();
    this.namesById.delete(id);
    this.port.postMessage({ id, drop: true });
    // a job with no module: the worker reads its messages and returns
    this.post(-1, -1, 0, 0, []);
    this.wait();
  }

  /** Starts the worker on `fn` of module `id` over an n1 × n2 grid; pair with {@link wait}. */
  start(id: number, fn: string, n1: number, n2: number, args: readonly GridArg[]): void {
    if (this.pending) throw new Error('scorekit wasm worker: a job is already running');
    const names = this.namesById.get(id);
    if (names === undefined) throw new Error(`scorekit wasm worker: unknown module ${id}`);
    if (args.length > MAX_ARGS) throw new Error(`scorekit wasm worker: at most ${MAX_ARGS} arguments`);
    this.post(id, names.indexOf(fn), n1, n2, args);
  }

  private post(id: number, fn: number, n1: number, n2: number, args: readonly GridArg[]): void {
    const c = this.control;
    c[JOB] = id;
    c[JOB + 1] = fn;
    c[JOB + 2] = n1;
    c[JOB + 3] = n2;
    c[JOB + 4] = args.length;
    args.forEach((a, k) => {
      c[JOB + 5 + 3 * k] = a.base;
      c[JOB + 6 + 3 * k] = a.di ?? 0;
      c[JOB + 7 + 3 * k] = a.dj ?? 0;
    });
    this.seq++;
    this.jobs++;
    this.pending = true;
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ, 1);
  }

  /** Seconds the worker spent on the last finished job (valid after {@link wait}). */
  get lastJobSeconds(): number {
    return Atomics.load(this.control, BUSY_US) / 1e6;
  }

  /** Blocks until the started job is done. */
  wait(): void {
    if (!this.pending) return;
    const c = this.control;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === this.seq) break;
      Atomics.wait(c, DONE, done, 1000);
    }
    this.pending = false;
    if (Atomics.load(c, ERR) !== 0) {
      Atomics.store(c, ERR, 0);
      throw new Error('scorekit wasm worker: a kernel failed in the worker thread (see stderr)');
    }
  }
}
