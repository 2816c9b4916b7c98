// forEachProductBlock: every block's X[i0:i1]·Y[j0:j1]ᵀ against a float64 product (within float32's rounding
// bound) and bit for bit against tf.matMul on the wasm backend (the same kernel in the same order), on one thread
// and on two (where the worker must take blocks and the results must not change).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { Rng, forEachProductBlock, getWasmThreads, setNativeKernels, setWasmThreads, wasmThreadsReady } from '../src/index.js';
import { resetNativeKernels } from '../src/native/nativeKernels.js';
import { blockJobThreads, resetWasmThreads } from '../src/parallel/wasmThreads.js';
import type { ProductBlock, RowMajorMatrix } from '../src/index.js';
import { WasmWorkerPool } from '../src/parallel/WasmWorkerPool.js';

const rng = new Rng(5);
// 600 columns: K blocks of 256, 256 and 88 (the accumulate-onto-C path); row counts and block edges that are not
// multiples of the 4 × 8 tile.
const d = 600;
const x: RowMajorMatrix = { data: rng.normalArray(45 * d), rows: 45, cols: d };
const y: RowMajorMatrix = { data: rng.normalArray(37 * d), rows: 37, cols: d };

function blocksOf(rows: number, cols: number, h: number, w: number): ProductBlock[] {
  const out: ProductBlock[] = [];
  for (let j0 = 0; j0 < cols; j0 += w) {
    for (let i0 = 0; i0 < rows; i0 += h) out.push({ i0, i1: Math.min(rows, i0 + h), j0, j1: Math.min(cols, j0 + w) });
  }
  return out;
}

const key = (b: ProductBlock): string => `${b.i0}:${b.i1}:${b.j0}:${b.j1}`;

function collect(a: RowMajorMatrix, b: RowMajorMatrix, blocks: ProductBlock[]): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  forEachProductBlock(a, b, blocks, (block, g) => {
    expect(out.has(key(block)), `block ${key(block)} visited twice`).toBe(false);
    expect(g.length).toBe((block.i1 - block.i0) * (block.j1 - block.j0));
    out.set(key(block), Float32Array.from(g));
  });
  expect(out.size).toBe(blocks.length);
  return out;
}

/** tf.matMul(X[i0:i1], Y[j0:j1], false, true) on the active backend. */
function tfBlock(a: RowMajorMatrix, b: RowMajorMatrix, block: ProductBlock): Float32Array {
  return tf.tidy(() => {
    const xa = tf.tensor2d(a.data.slice(block.i0 * d, block.i1 * d), [block.i1 - block.i0, d]);
    const yb = tf.tensor2d(b.data.slice(block.j0 * d, block.j1 * d), [block.j1 - block.j0, d]);
    return tf.matMul(xa, yb, false, true).dataSync() as Float32Array;
  });
}

function expectNearFloat64(a: RowMajorMatrix, b: RowMajorMatrix, block: ProductBlock, g: Float32Array): void {
  const w = block.j1 - block.j0;
  // |float32 dot − exact| ≤ γ_d Σ|xₖyₖ|, γ_d = d·u/(1 − d·u), u = 2⁻²⁴ (Higham §3.1).
  const gamma = (d * 2 ** -24) / (1 - d * 2 ** -24);
  for (let i = block.i0; i < block.i1; i++) {
    for (let j = block.j0; j < block.j1; j++) {
      let exact = 0;
      let abs = 0;
      for (let t = 0; t < d; t++) {
        const p = a.data[i * d + t] * b.data[j * d + t];
        exact += p;
        abs += Math.abs(p);
      }
      const got = g[(i - block.i0) * w + (j - block.j0)];
      if (Math.abs(got - exact) > gamma * abs) throw new Error(`(${i}, ${j}): ${got} vs ${exact}, bound ${gamma * abs}`);
    }
  }
}

async function workerReady(): Promise<WasmWorkerPool> {
  expect(await wasmThreadsReady()).toBe(true);
  return WasmWorkerPool.shared() as WasmWorkerPool;
}

describe('forEachProductBlock', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    // the bit-for-bit comparisons are with tf.matMul through scorekit's WebAssembly GEMM, the code both share;
    // @scorekit/native's products (narrow ones as dot products) sum in other orders
    setNativeKernels(false);
  });
  afterAll(() => {
    setWasmThreads(1);
    resetNativeKernels();
  });

  const blocks = blocksOf(x.rows, y.rows, 13, 11);

  it('gives X·Yᵀ per block within float32 rounding, equal bit for bit to tf.matMul on wasm (one thread)', () => {
    setWasmThreads(1);
    const got = collect(x, y, blocks);
    for (const b of blocks) {
      const g = got.get(key(b)) as Float32Array;
      expectNearFloat64(x, y, b, g);
      expect(g).toEqual(tfBlock(x, y, b));
    }
  });

  it('splits blocks between the main thread and the worker without changing a bit', async () => {
    setWasmThreads(1);
    const one = collect(x, y, blocks);
    setWasmThreads(2);
    const pool = await workerReady();
    const before = pool.jobs;
    const two = collect(x, y, blocks);
    expect(pool.jobs - before, 'the worker took no block').toBeGreaterThan(0);
    expect(pool.jobs - before, 'the worker took every block').toBeLessThan(blocks.length);
    for (const b of blocks) expect(two.get(key(b))).toEqual(one.get(key(b)));
    // the pool is free again for tfjs kernels
    expect(pool.reserved).toBe(false);
  });

  it('multiplies a matrix by itself when x and y are the same object', async () => {
    setWasmThreads(2);
    await workerReady();
    const self = blocksOf(x.rows, x.rows, 16, 24).filter((b) => b.j0 >= b.i0);
    const got = collect(x, x, self);
    for (const b of self) expect(got.get(key(b))).toEqual(tfBlock(x, x, b));
  });

  it('releases the worker when a visit throws, and the next call works', async () => {
    setWasmThreads(2);
    const pool = await workerReady();
    let visits = 0;
    expect(() =>
      forEachProductBlock(x, y, blocks, () => {
        if (++visits === 2) throw new Error('visitor failed');
      }),
    ).toThrow('visitor failed');
    expect(pool.reserved).toBe(false);
    expect(pool.idle).toBe(true);
    const again = collect(x, y, blocks.slice(0, 3));
    for (const b of blocks.slice(0, 3)) expect(again.get(key(b))).toEqual(tfBlock(x, y, b));
  });

  it("keeps its data out of the worker pool's memory, which never shrinks", async () => {
    setWasmThreads(2);
    const pool = await workerReady();
    const before = pool.memory.buffer.byteLength;
    // 20 MB of rows, more than the pool memory's initial 16 MiB; two small blocks, one per thread
    const big: RowMajorMatrix = { data: new Float32Array(5000 * 1000).fill(0.5), rows: 5000, cols: 1000 };
    const seen: number[] = [];
    forEachProductBlock(big, big, [{ i0: 0, i1: 8, j0: 4992, j1: 5000 }, { i0: 16, i1: 24, j0: 0, j1: 8 }], (b, g) => {
      seen.push(b.i0);
      expect(g[0]).toBe(250); // 1000 · 0.5 · 0.5, exact in float32
    });
    expect(seen.sort((p, q) => p - q)).toEqual([0, 16]);
    expect(pool.memory.buffer.byteLength).toBe(before);
  });

  it('names what is wrong with its inputs', () => {
    const narrow: RowMajorMatrix = { data: new Float32Array(10 * 5), rows: 10, cols: 5 };
    expect(() => forEachProductBlock(x, narrow, [], () => {})).toThrow(/x has 600 columns but y has 5/);
    expect(() => forEachProductBlock(x, y, [{ i0: 0, i1: 46, j0: 0, j1: 8 }], () => {})).toThrow(
      /block rows \[0, 46\) × \[0, 8\) must be non-empty ranges within x's 45 and y's 37 rows/,
    );
    expect(() => forEachProductBlock(x, y, [{ i0: 4, i1: 4, j0: 0, j1: 8 }], () => {})).toThrow(/non-empty/);
    const short: RowMajorMatrix = { data: new Float32Array(7), rows: 2, cols: 4 };
    expect(() => forEachProductBlock(short, short, [], () => {})).toThrow(/x has 7 values, fewer than 2 × 4/);
  });
});

describe('thread defaults', () => {
  afterAll(() => setWasmThreads(1));

  it('block jobs use the worker unless one thread is asked for; other kernels only when two are', () => {
    const env = process.env.SCOREKIT_WASM_THREADS;
    try {
      delete process.env.SCOREKIT_WASM_THREADS;
      resetWasmThreads();
      expect(getWasmThreads()).toBe(1);
      expect(blockJobThreads()).toBe(availableParallelism() >= 2 ? 2 : 1);
      // the environment is read once, at first use: a change is seen after resetWasmThreads()
      process.env.SCOREKIT_WASM_THREADS = '1';
      expect(blockJobThreads()).toBe(availableParallelism() >= 2 ? 2 : 1);
      resetWasmThreads();
      expect(blockJobThreads()).toBe(1);
      process.env.SCOREKIT_WASM_THREADS = '2';
      resetWasmThreads();
      expect(getWasmThreads()).toBe(2);
      delete process.env.SCOREKIT_WASM_THREADS;
      setWasmThreads(1);
      expect(blockJobThreads()).toBe(1);
      process.env.SCOREKIT_WASM_THREADS = 'three';
      resetWasmThreads();
      expect(() => blockJobThreads()).toThrow("SCOREKIT_WASM_THREADS must be 1 (main thread only) or 2 (main thread + one worker), got 'three'");
    } finally {
      if (env === undefined) delete process.env.SCOREKIT_WASM_THREADS;
      else process.env.SCOREKIT_WASM_THREADS = env;
      resetWasmThreads();
      setWasmThreads(1);
    }
  });
});
