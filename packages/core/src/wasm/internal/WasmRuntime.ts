import type * as tf from '@tensorflow/tfjs-core';
import { hasRelaxedSimd } from './simdFeatures.js';
import { gemmModuleBytes, type GemmExports } from './gemmModule.js';
import { miscModuleBytes, type MiscExports } from './miscModule.js';
import type { MemoryImport } from './WasmAssembler.js';
import { WasmWorkerPool } from '../../parallel/WasmWorkerPool.js';
import { WorkSplit } from '../../parallel/WorkSplit.js';
import { getWasmThreads, parallelMinFlops } from '../../parallel/wasmThreads.js';
import { nativeKernels, type NativeKernels } from '../../native/nativeKernels.js';

/** The parts of tfjs-backend-wasm's `BackendWasm` our kernels use (it exports no type for them). */
export interface WasmBackendLike {
  readonly wasm: {
    readonly HEAPF32: Float32Array;
    readonly HEAP32: Int32Array;
    readonly HEAPU8: Uint8Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    readonly asm?: { memory?: WebAssembly.Memory };
  };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number; shape: number[]; dtype: string } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/**
 * Our kernels' view of one wasm backend instance: its heap, a reusable scratch arena allocated with its own malloc,
 * and our generated modules instantiated on its memory, so they read and write tensors in place.
 */
export class WasmRuntime {
  readonly fma = hasRelaxedSimd();
  readonly gemm: GemmExports;
  readonly misc: MiscExports;
  private scratchPtr = 0;
  private scratchBytes = 0;
  private readonly modules = new Map<string, WebAssembly.Exports>();

  constructor(readonly backend: WasmBackendLike) {
    this.gemm = this.instantiate('gemm', () => gemmModuleBytes(this.fma)) as unknown as GemmExports;
    this.misc = this.instantiate('misc', miscModuleBytes) as unknown as MiscExports;
    // start the worker now: it comes up once the event loop turns, before the big kernels of a training step
    this.parallel(0);
  }

  get memory(): WebAssembly.Memory {
    const memory = this.backend.wasm.asm?.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new Error('scorekit wasm kernels: cannot reach the wasm backend memory (tfjs-backend-wasm 4.22 layout expected)');
    }
    return memory;
  }

  /**
   * @scorekit/native's kernels when they are in use and the heap is a plain ArrayBuffer (not a threaded build's
   * shared memory), else null. Hand them `this.memory.buffer` read at the call: an allocation may replace it.
   */
  native(): NativeKernels | null {
    const kernels = nativeKernels();
    return kernels !== null && this.memory.buffer instanceof ArrayBuffer ? kernels : null;
  }

  /** The heap as floats; re-read after anything that may allocate (malloc can grow and replace the buffer). */
  get f32(): Float32Array {
    return this.backend.wasm.HEAPF32;
  }

  /** A generated module, compiled once per key and instantiated on the backend's memory. */
  instantiate(key: string, bytes: () => Uint8Array<ArrayBuffer>): WebAssembly.Exports {
    let exports = this.modules.get(key);
    if (exports === undefined) {
      const module = new WebAssembly.Module(bytes());
      exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports;
      this.modules.set(key, exports);
    }
    return exports;
  }

  /**
   * The worker pool when a job of `flops` floating-point operations is worth splitting (threads ≥ 2, in Node, and
   * big enough that the copies and the hand-off, ~50 µs, pay), else null.
   */
  parallel(flops: number): WasmWorkerPool | null {
    if (getWasmThreads() < 2) return null;
    const pool = WasmWorkerPool.shared();
    if (pool === null || flops < parallelMinFlops() || !pool.ready || pool.reserved) return null;
    pool.reset();
    return pool;
  }

  /** A generated module compiled for the worker's shared memory and registered with it; returns its id. */
  workerModule(pool: WasmWorkerPool, key: string, bytes: (memory: MemoryImport) => Uint8Array<ArrayBuffer>, names: string[]): number {
    return pool.module(key, () => new WebAssembly.Module(bytes('shared')), names);
  }

  private readonly splits = new Map<string, WorkSplit>();

  /**
   * The adaptive worker share for jobs of one kernel and size: `flops` picks a size class (a power of two), since
   * the worker's fixed hand-off cost weighs differently on small and large jobs.
   */
  split(kernel: string, flops: number): WorkSplit {
    const key = `${kernel}:${Math.round(Math.log2(Math.max(1, flops)))}`;
    let s = this.splits.get(key);
    if (s === undefined) {
      s = new WorkSplit();
      this.splits.set(key, s);
    }
    return s;
  }

  /** Byte offset of a tensor's data in the heap. */
  offset(t: tf.TensorInfo): number {
    const data = this.backend.dataIdMap.get(t.dataId);
    if (data === undefined) throw new Error('scorekit wasm kernels: tensor data is not on the wasm backend');
    return data.memoryOffset;
  }

  /**
   * Scratch regions of the given byte sizes, 16-byte aligned, valid until the next call (kernels run one at a
   * time). The arena only grows; it is the backend's malloc, so nothing else in the heap is disturbed.
   */
  scratch(sizes: readonly number[]): number[] {
    const aligned = sizes.map((s) => Math.ceil(s / 16) * 16);
    const total = aligned.reduce((a, b) => a + b, 0) + 16;
    if (total > this.scratchBytes) {
      if (this.scratchPtr !== 0) this.backend.wasm._free(this.scratchPtr);
      this.scratchBytes = Math.max(total, Math.ceil(this.scratchBytes * 1.5));
      this.scratchPtr = this.backend.wasm._malloc(this.scratchBytes) >>> 0;
      if (this.scratchPtr === 0) throw new Error(`scorekit wasm kernels: out of memory allocating ${this.scratchBytes} bytes`);
    }
    const out: number[] = [];
    let p = Math.ceil(this.scratchPtr / 16) * 16;
    for (const s of aligned) {
      out.push(p);
      p += s;
    }
    return out;
  }
}

const runtimes = new WeakMap<object, WasmRuntime>();

/** The runtime for this backend instance (created on first use). */
export function runtimeFor(backend: unknown): WasmRuntime {
  const key = backend as object;
  let rt = runtimes.get(key);
  if (rt === undefined) {
    rt = new WasmRuntime(backend as WasmBackendLike);
    runtimes.set(key, rt);
  }
  return rt;
}
