import { WasmWorkerPool } from '../parallel/WasmWorkerPool.js';
import { blockJobThreads } from '../parallel/wasmThreads.js';
import { MR, NR, TileInit, gemmModuleBytes, kBlock, type GemmExports } from '../wasm/internal/gemmModule.js';
import { hasRelaxedSimd } from '../wasm/internal/simdFeatures.js';

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
 * `tf.matMul` on the wasm backend, so g equals it bit for bit). In Node on two or more cores (unless
 * `setWasmThreads(1)` or `SCOREKIT_WASM_THREADS=1` asks for one thread) the main thread and scorekit's worker
 * compute different blocks at once, and the main thread visits finished blocks while the worker computes the next
 * (the worker starts once the event loop turns: `await wasmThreadsReady()` before a first synchronous call): no split of one product and no wait at every K block, as a two-thread matMul per block would
 * have. Blocks are visited in an order close to the given one; every block is visited once, on the main thread.
 * X and Y are copied once into a wasm memory of the call's own (Y only when it is a different matrix), shared
 * with the worker on two threads, and released afterwards.
 */
export function forEachProductBlock(
  x: RowMajorMatrix,
  y: RowMajorMatrix,
  blocks: readonly ProductBlock[],
  visit: (block: ProductBlock, g: Float32Array) => void,
): void {
  checkInputs(x, y, blocks);
  if (blocks.length === 0) return;
  const threaded = blockJobThreads() >= 2 ? WasmWorkerPool.shared() : null;
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
  // The call's memory: the inputs with 8 zero rows after them (a block's rows are read in whole tiles of 4 and 8
  // rows), then per thread its packing buffers, then the output slots.
  const plan = new Allocation();
  const xPtr = plan.take((x.rows + NR) * d * 4);
  const yPtr = same ? xPtr : plan.take((y.rows + NR) * d * 4);
  const packs = Array.from({ length: threadCount }, () => ({ pA: plan.take(MR * kc * 4), pB: plan.take(maxW * kc * 4) }));
  const slotBytes = maxH * maxW * 4;
  const mainSlot = plan.take(slotBytes);
  const workerSlots = pool === null ? [] : Array.from({ length: WORKER_SLOTS }, () => plan.take(slotBytes));

  // The data lives in a memory of this call's own, shared with the worker when there is one, and freed with it
  // (the worker's pool memory never shrinks: 10 000 × 2048 inputs would stay 160 MB for good).
  const pages = pagesFor(plan.bytes);
  if (pages > 65536) {
    throw new Error(
      `forEachProductBlock: x (${x.rows} × ${d}), y and the block buffers need ${(plan.bytes / 2 ** 30).toFixed(1)} GiB, ` +
        'more than the 4 GiB of a wasm memory; pass fewer rows per call',
    );
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: pool !== null });
  let workerId = -1;
  if (pool !== null) {
    pool.reserve('forEachProductBlock');
    workerId = pool.moduleOn(memory, gemmModule(true), ['gemmABt']);
  }
  try {
    const f32 = new Float32Array(memory.buffer);
    f32.set(x.data.subarray(0, x.rows * d), xPtr >>> 2);
    if (!same) f32.set(y.data.subarray(0, y.rows * d), yPtr >>> 2);
    const gemm = new WebAssembly.Instance(gemmModule(pool !== null), { env: { memory } }).exports as unknown as GemmExports;
    const lda = d * 4;
    const aOf = (b: ProductBlock): number => xPtr + b.i0 * lda;
    const bOf = (b: ProductBlock): number => yPtr + b.j0 * lda;
    let compact: Float32Array | undefined;
    const emit = (b: ProductBlock, cPtr: number): void => {
      const h = b.i1 - b.i0;
      const w = b.j1 - b.j0;
      const wp = roundUp(w, NR);
      const c = cPtr >>> 2;
      if (wp === w) {
        visit(b, f32.subarray(c, c + h * w));
        return;
      }
      // only blocks whose width is not a multiple of 8 need a compact copy
      compact ??= new Float32Array(maxH * maxW);
      for (let r = 0; r < h; r++) compact.set(f32.subarray(c + r * wp, c + r * wp + w), r * w);
      visit(b, compact.subarray(0, h * w));
    };

    let next = 0;
    const freeSlots = [...workerSlots];
    const finished: { block: ProductBlock; slot: number }[] = [];
    let running: { block: ProductBlock; slot: number } | null = null;
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
          { base: bOf(block) }, { base: lda }, { base: slot }, { base: np * 4 }, { base: p.pA }, { base: p.pB },
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
        mainProduct(gemm, mp, np, d, kc, aOf(block), lda, bOf(block), mainSlot, np * 4, main.pA, main.pB, poll);
        emit(block, mainSlot);
        continue;
      }
      if (running === null) break;
      pool?.wait();
    }
  } finally {
    if (pool !== null) {
      // waits for a block still running (a visit may have thrown), then drops the worker's hold on the memory
      pool.forget(workerId);
      pool.release();
    }
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

const modules = new Map<string, WebAssembly.Module>();

/** The GEMM module, compiled once for a plain or a shared memory. */
function gemmModule(shared: boolean): WebAssembly.Module {
  const fma = hasRelaxedSimd();
  const key = `${fma}:${shared}`;
  let module = modules.get(key);
  if (module === undefined) {
    module = new WebAssembly.Module(gemmModuleBytes(fma, shared ? 'shared' : 'plain'));
    modules.set(key, module);
  }
  return module;
}

/** 64 KiB pages holding `bytes` (a fresh memory is zero, so the inputs' padding rows need no clearing). */
function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 65536));
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
