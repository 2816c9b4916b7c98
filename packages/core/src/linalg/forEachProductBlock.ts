import { WasmWorkerPool } from '../parallel/WasmWorkerPool.js';
import { getWasmThreads } from '../parallel/wasmThreads.js';
import { MR, NR, TileInit, gemmModuleBytes, kBlock, type GemmExports } from '../wasm/internal/gemmModule.js';
import { hasRelaxedSimd } from '../wasm/internal/simdFeatures.js';
import { gemmWorkerModule } from '../wasm/internal/WasmRuntime.js';

/** A row-major float32 matrix: `rows` rows of `cols` values. */
export interface RowMajorMatrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** Rows [i0, i1) of X against rows [j0, j1) of Y. */
export interface ProductBlock {
  readonly i0: number;
  readonly i1: number;
  readonly j0: number;
  readonly j1: number;
}

/** Row blocks of main's product between two looks at the worker (~2 ms at d = 2048, w = 1024). */
const POLL_EVERY = 16;
/** Output buffers the worker cycles through, so it can start a block while earlier ones wait to be visited. */
const WORKER_SLOTS = 3;

/**
 * Calls `visit(block, g)` for every block, with g = X[i0:i1] · Y[j0:j1]ᵀ as a row-major (i1 − i0) × (j1 − j0)
 * float32 array that is valid only during the call — the pairwise products behind distance matrices, Gram
 * matrices and kernel sums, without holding the whole product.
 *
 * Each block is computed whole by scorekit's wasm GEMM (the same 4×8 SIMD kernel, in the same summation order, as
 * `tf.matMul` on the wasm backend, so g equals it bit for bit). With `setWasmThreads(2)` in Node the main thread
 * and the worker compute different blocks at once, and the main thread visits finished blocks while the worker
 * computes the next: no split of one product and no wait at every K block, as a two-thread matMul per block would
 * have. Blocks are visited in an order close to the given one; every block is visited once, on the main thread.
 * X and Y are copied once into wasm memory (Y only when it is a different matrix); with two threads that is the
 * worker's shared memory, which keeps its size afterwards.
 */
export function forEachProductBlock(
  x: RowMajorMatrix,
  y: RowMajorMatrix,
  blocks: readonly ProductBlock[],
  visit: (block: ProductBlock, g: Float32Array) => void,
): void {
  checkInputs(x, y, blocks);
  if (blocks.length === 0) return;
  const threaded = getWasmThreads() >= 2 ? WasmWorkerPool.shared() : null;
  const pool = threaded !== null && threaded.ready && !threaded.reserved ? threaded : null;
  const d = x.cols;
  const kc = kBlock(d);
  let maxH = 0;
  let maxW = 0;
  for (const b of blocks) {
    maxH = Math.max(maxH, roundUp(b.i1 - b.i0, MR));
    maxW = Math.max(maxW, roundUp(b.j1 - b.j0, NR));
  }
  const same = x.data === y.data && x.rows === y.rows;
  const threadCount = pool === null ? 1 : 2;
  // One allocation plan for both memories: inputs with 8 zero rows after them (a block's rows are read in whole
  // tiles of 4 and 8 rows), then per thread its packing buffers, then the output slots.
  const plan = new Allocation();
  const xPtr = plan.take((x.rows + NR) * d * 4);
  const yPtr = same ? xPtr : plan.take((y.rows + NR) * d * 4);
  const packs = Array.from({ length: threadCount }, () => ({ pA: plan.take(MR * kc * 4), pB: plan.take(maxW * kc * 4) }));
  const slotBytes = maxH * maxW * 4;
  const mainSlot = plan.take(slotBytes);
  const workerSlots = pool === null ? [] : Array.from({ length: WORKER_SLOTS }, () => plan.take(slotBytes));

  if (pool !== null) pool.reserve('forEachProductBlock');
  try {
    const memory = pool !== null ? pool.memory : new WebAssembly.Memory({ initial: 1 });
    const base = pool !== null ? pool.alloc(plan.bytes) : 0;
    grow(memory, base + plan.bytes);
    const f32 = new Float32Array(memory.buffer);
    f32.set(x.data.subarray(0, x.rows * d), (base + xPtr) >>> 2);
    f32.fill(0, (base + xPtr) / 4 + x.rows * d, (base + xPtr) / 4 + (x.rows + NR) * d);
    if (!same) {
      f32.set(y.data.subarray(0, y.rows * d), (base + yPtr) >>> 2);
      f32.fill(0, (base + yPtr) / 4 + y.rows * d, (base + yPtr) / 4 + (y.rows + NR) * d);
    }
    const gemm = mainInstance(memory, pool !== null);
    const lda = d * 4;
    const aOf = (b: ProductBlock): number => base + xPtr + b.i0 * lda;
    const bOf = (b: ProductBlock): number => base + yPtr + b.j0 * lda;
    const compact = new Float32Array(maxH * maxW);
    const emit = (b: ProductBlock, cPtr: number): void => {
      const h = b.i1 - b.i0;
      const w = b.j1 - b.j0;
      const wp = roundUp(w, NR);
      const c = cPtr >>> 2;
      if (wp === w) {
        visit(b, f32.subarray(c, c + h * w));
        return;
      }
      for (let r = 0; r < h; r++) compact.set(f32.subarray(c + r * wp, c + r * wp + w), r * w);
      visit(b, compact.subarray(0, h * w));
    };

    let next = 0;
    const freeSlots = workerSlots.map((s) => base + s);
    const finished: { block: ProductBlock; slot: number }[] = [];
    let running: { block: ProductBlock; slot: number } | null = null;
    const workerId = pool === null ? -1 : gemmWorkerModule(pool, hasRelaxedSimd());
    // Collects the worker's finished block and hands it the next one, without blocking.
    const poll = (): void => {
      if (pool === null) return;
      if (running !== null && pool.idle) {
        pool.wait();
        finished.push(running);
        running = null;
      }
      if (running === null && next < blocks.length && freeSlots.length > 0) {
        const block = blocks[next++];
        const slot = freeSlots.pop() as number;
        const mp = roundUp(block.i1 - block.i0, MR);
        const np = roundUp(block.j1 - block.j0, NR);
        const p = packs[1];
        pool.start(workerId, 'gemmABt', 1, 1, [
          { base: mp }, { base: np }, { base: d }, { base: kc }, { base: aOf(block) }, { base: lda },
          { base: bOf(block) }, { base: lda }, { base: slot }, { base: np * 4 }, { base: base + p.pA }, { base: base + p.pB },
        ]);
        running = { block, slot };
      }
    };
    const main = packs[0];
    for (;;) {
      poll();
      const done = finished.shift();
      if (done !== undefined) {
        emit(done.block, done.slot);
        freeSlots.push(done.slot);
        continue;
      }
      if (next < blocks.length) {
        const block = blocks[next++];
        const mp = roundUp(block.i1 - block.i0, MR);
        const np = roundUp(block.j1 - block.j0, NR);
        mainProduct(gemm, mp, np, d, kc, aOf(block), lda, bOf(block), base + mainSlot, np * 4, base + main.pA, base + main.pB, poll);
        emit(block, base + mainSlot);
        continue;
      }
      if (running === null) break;
      pool?.wait();
    }
  } finally {
    pool?.release();
  }
}

/**
 * `gemmABt` written out in JS so that the main thread can look at the worker between row blocks: the same calls,
 * so the same arithmetic, as the worker's single call.
 */
function mainProduct(
  g: GemmExports,
  M: number,
  N: number,
  K: number,
  kc: number,
  a: number,
  lda: number,
  b: number,
  c: number,
  ldc: number,
  pA: number,
  pB: number,
  poll: () => void,
): void {
  for (let k0 = 0; k0 < K; k0 += kc) {
    const kb = Math.min(kc, K - k0);
    g.packB(b + k0 * 4, 4, lda, kb, N, pB);
    const init = k0 === 0 ? TileInit.Zero : TileInit.Load;
    for (let i = 0, n = 0; i < M; i += MR, n++) {
      g.rowBlock(kb, a + i * lda + k0 * 4, lda, 4, pA, pB, N / NR, c + i * ldc, ldc, init, 0);
      if (n % POLL_EVERY === POLL_EVERY - 1) poll();
    }
  }
}

const mainInstances = new Map<string, { memory: WebAssembly.Memory; exports: GemmExports }>();
const modules = new Map<string, WebAssembly.Module>();

/** The GEMM module instantiated on `memory` for the main thread (kept for the shared memory, which lives on). */
function mainInstance(memory: WebAssembly.Memory, shared: boolean): GemmExports {
  const fma = hasRelaxedSimd();
  const key = `${fma}:${shared}`;
  const cached = mainInstances.get(key);
  if (cached !== undefined && cached.memory === memory) return cached.exports;
  let module = modules.get(key);
  if (module === undefined) {
    module = new WebAssembly.Module(gemmModuleBytes(fma, shared ? 'shared' : 'plain'));
    modules.set(key, module);
  }
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmExports;
  if (shared) mainInstances.set(key, { memory, exports });
  return exports;
}

function grow(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}

function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/** Byte offsets of 16-aligned regions, relative to where the whole plan is placed. */
class Allocation {
  bytes = 0;
  take(n: number): number {
    const p = roundUp(this.bytes, 16);
    this.bytes = p + n;
    return p;
  }
}

function checkInputs(x: RowMajorMatrix, y: RowMajorMatrix, blocks: readonly ProductBlock[]): void {
  for (const [name, m] of [['x', x], ['y', y]] as const) {
    if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 1) {
      throw new Error(`forEachProductBlock: ${name} must have a whole number of rows ≥ 0 and columns ≥ 1, got ${m.rows} × ${m.cols}`);
    }
    if (m.data.length < m.rows * m.cols) {
      throw new Error(`forEachProductBlock: ${name} has ${m.data.length} values, fewer than ${m.rows} × ${m.cols}`);
    }
  }
  if (x.cols !== y.cols) throw new Error(`forEachProductBlock: x has ${x.cols} columns but y has ${y.cols}; they must match`);
  for (const b of blocks) {
    const ok =
      Number.isInteger(b.i0) && Number.isInteger(b.i1) && Number.isInteger(b.j0) && Number.isInteger(b.j1) &&
      b.i0 >= 0 && b.i0 < b.i1 && b.i1 <= x.rows && b.j0 >= 0 && b.j0 < b.j1 && b.j1 <= y.rows;
    if (!ok) {
      throw new Error(
        `forEachProductBlock: block rows [${b.i0}, ${b.i1}) × [${b.j0}, ${b.j1}) must be non-empty ranges within ` +
          `x's ${x.rows} and y's ${y.rows} rows`,
      );
    }
  }
}
