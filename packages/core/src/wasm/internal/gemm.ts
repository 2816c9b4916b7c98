import { MR, NR, TileInit, gemmModuleBytes, kBlock } from './gemmModule.js';
import type { WasmRuntime } from './WasmRuntime.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

/** A matrix in the heap: element (i, j) is the float at byte `ptr + i·rs + j·cs` (any transpose is a stride). */
export interface MatrixView {
  readonly ptr: number;
  readonly rs: number;
  readonly cs: number;
}

/**
 * C (M×N, row stride `ldc` bytes) = A (M×K) · B (K×N) [+ bias (N floats at byte `biasPtr`)], for any strides of A
 * and B. BLIS-style: B is packed into 8-column panels per K block, A into 4-row panels, and the generated 4×8
 * register-tile kernel does the arithmetic (Goto & van de Geijn 2008, "Anatomy of high-performance matrix
 * multiplication"; Van Zee & van de Geijn 2015, BLIS).
 */
export function gemm(
  rt: WasmRuntime,
  M: number,
  N: number,
  K: number,
  A: MatrixView,
  B: MatrixView,
  cPtr: number,
  ldc: number,
  biasPtr = 0,
): void {
  if (M === 0 || N === 0) return;
  const native = rt.native();
  if (native !== null) {
    // in place on the heap; the native side hands chunks to whichever thread is free, so like forEachProductBlock
    // it uses both cores unless one thread was asked for
    native.gemm(rt.memory.buffer, M, N, K, A.ptr, A.rs, A.cs, B.ptr, B.rs, B.cs, cPtr, ldc, biasPtr, blockJobThreads());
    return;
  }
  const panels = Math.ceil(N / NR);
  const fullPanels = Math.floor(N / NR);
  if (K === 0) {
    fillRows(rt, M, N, cPtr, ldc, biasPtr);
    return;
  }
  const kc = kBlock(K);
  const [pB, pA, tmp, pBias] = rt.scratch([panels * NR * kc * 4, MR * kc * 4, MR * NR * 4, panels * NR * 4]);
  const g = rt.gemm;
  if (biasPtr !== 0) {
    const f = rt.f32;
    f.fill(0, pBias >>> 2, (pBias >>> 2) + panels * NR);
    f.copyWithin(pBias >>> 2, biasPtr >>> 2, (biasPtr >>> 2) + N);
  }
  // With a second thread, the worker takes the first full 4-row blocks over the full 8-column panels (a share
  // adapted to both threads' measured speeds), on copies in its shared memory; this thread does the rest and every
  // edge tile. Each output element is computed whole by one thread either way, so results do not depend on the split.
  const flops = 2 * M * N * K;
  const rowBlocks = Math.floor(M / MR);
  const pool = fullPanels > 0 && rowBlocks >= 8 ? rt.parallel(flops) : null;
  const split = pool === null ? null : rt.split('gemm', flops);
  const wBlocks = split === null ? 0 : split.workerUnits(rowBlocks);
  let mainSeconds = 0;
  let workerSeconds = 0;
  const wRows = wBlocks * MR;
  const ldw = fullPanels * NR * 4;
  let sA = 0;
  let sB = 0;
  let sPA = 0;
  let sBias = 0;
  let sC = 0;
  let worker = -1;
  if (pool !== null) {
    const span = (wRows - 1) * A.rs + (K - 1) * A.cs + 4;
    sA = pool.alloc(span);
    sB = pool.alloc(fullPanels * NR * kc * 4);
    sPA = pool.alloc(MR * kc * 4);
    sBias = pool.alloc(panels * NR * 4);
    sC = pool.alloc(wRows * ldw);
    const sf = pool.f32;
    sf.set(rt.f32.subarray(A.ptr >>> 2, (A.ptr + span) >>> 2), sA >>> 2);
    sf.set(rt.f32.subarray(pBias >>> 2, (pBias >>> 2) + panels * NR), sBias >>> 2);
    worker = rt.workerModule(pool, `gemm:${rt.fma}`, (m) => gemmModuleBytes(rt.fma, m), ['rowBlock']);
  }
  for (let k0 = 0; k0 < K; k0 += kc) {
    const kb = Math.min(kc, K - k0);
    g.packB(B.ptr + k0 * B.rs, B.rs, B.cs, kb, N, pB);
    const init = k0 > 0 ? TileInit.Load : biasPtr !== 0 ? TileInit.Bias : TileInit.Zero;
    if (pool !== null) {
      pool.f32.set(rt.f32.subarray(pB >>> 2, (pB >>> 2) + fullPanels * kb * NR), sB >>> 2);
      pool.start(worker, 'rowBlock', wBlocks, 1, [
        { base: kb },
        { base: sA + k0 * A.cs, di: MR * A.rs },
        { base: A.rs },
        { base: A.cs },
        { base: sPA },
        { base: sB },
        { base: fullPanels },
        { base: sC, di: MR * ldw },
        { base: ldw },
        { base: init },
        { base: sBias },
      ]);
    }
    const started = performance.now();
    try {
      for (let i0 = 0; i0 < M; i0 += MR) {
        const rows = Math.min(MR, M - i0);
        const workers = i0 < wRows;
        if (workers && fullPanels === panels) continue;
        g.packA(A.ptr + i0 * A.rs + k0 * A.cs, A.rs, A.cs, rows, kb, pA);
        const cRow = cPtr + i0 * ldc;
        let first = 0;
        if (workers) first = fullPanels;
        else if (rows === MR) {
          if (fullPanels > 0) g.row(kb, pA, pB, fullPanels, cRow, ldc, init, pBias);
          first = fullPanels;
        }
        for (let p = first; p < panels; p++) edgeTile(rt, kb, pA, pB, p, rows, N, cRow, ldc, init, tmp, pBias);
      }
    } finally {
      mainSeconds += (performance.now() - started) / 1000;
      pool?.wait();
    }
    if (pool !== null) workerSeconds += pool.lastJobSeconds;
  }
  split?.record(wBlocks, workerSeconds, rowBlocks - wBlocks, mainSeconds);
  if (pool !== null) {
    const f = rt.f32;
    const sf = pool.f32;
    const w = fullPanels * NR;
    if (ldc === ldw) f.set(sf.subarray(sC >>> 2, (sC >>> 2) + wRows * w), cPtr >>> 2);
    else for (let r = 0; r < wRows; r++) f.set(sf.subarray((sC >>> 2) + r * w, (sC >>> 2) + (r + 1) * w), (cPtr + r * ldc) >>> 2);
  }
}

/** One 4×8 tile at panel p that does not fit C whole (last rows or columns): computed in `tmp`, then copied. */
function edgeTile(
  rt: WasmRuntime,
  kb: number,
  pA: number,
  pB: number,
  p: number,
  rows: number,
  N: number,
  cRow: number,
  ldc: number,
  init: TileInit,
  tmp: number,
  pBias: number,
): void {
  const cols = Math.min(NR, N - p * NR);
  const f = rt.f32;
  const t = tmp >>> 2;
  const c0 = (cRow >>> 2) + p * NR;
  const ld = ldc >>> 2;
  if (init === TileInit.Load) {
    f.fill(0, t, t + MR * NR);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) f[t + r * NR + c] = f[c0 + r * ld + c];
  }
  rt.gemm.tile(kb, pA, pB + p * kb * NR * 4, tmp, NR * 4, init, pBias + p * NR * 4);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) f[c0 + r * ld + c] = f[t + r * NR + c];
}

function fillRows(rt: WasmRuntime, M: number, N: number, cPtr: number, ldc: number, biasPtr: number): void {
  const f = rt.f32;
  for (let i = 0; i < M; i++) {
    const row = (cPtr + i * ldc) >>> 2;
    if (biasPtr === 0) f.fill(0, row, row + N);
    else f.copyWithin(row, biasPtr >>> 2, (biasPtr >>> 2) + N);
  }
}
