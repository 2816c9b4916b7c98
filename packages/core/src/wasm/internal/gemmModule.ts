import { I32, V128, WasmFunction, assembleModule, type MemoryImport } from './WasmAssembler.js';

/** Rows and columns of the register tile every GEMM kernel computes: 4 rows × 8 columns (two f32x4 per row). */
export const MR = 4;
export const NR = 8;

/** Where a tile's accumulators start from. */
export const TileInit = {
  Zero: 0,
  /** Accumulate onto what `out` holds (K-blocked products). */
  Load: 1,
  /** Start from a bias row (8 floats at `bias`), the same for every row. */
  Bias: 2,
} as const;
export type TileInit = (typeof TileInit)[keyof typeof TileInit];

/** Emits `acc ← a·b + acc` for f32x4 locals, fused when relaxed SIMD is available. */
export function emitMadd(f: WasmFunction, fma: boolean, acc: number, a: number, b: number): void {
  if (fma) f.get(a).get(b).get(acc).f32x4RelaxedMadd().set(acc);
  else f.get(acc).get(a).get(b).f32x4Mul().f32x4Add().set(acc);
}

/**
 * The exported functions of the GEMM module (all sizes in elements, strides and pointers in bytes):
 * - `tile(K, a, b, out, ldo, init, bias)`: out[4×8] (init) + Σₖ a[k][0..3] ⊗ b[k][0..7] over packed panels.
 * - `row(K, a, b, panels, c, ldc, init, bias)`: `tile` for `panels` consecutive 8-column panels of packed B.
 * - `packA(src, rs, cs, rows, K, dst)`: dst[k][r] = src[r·rs + k·cs] for r < rows, 0 beyond (4 floats per k).
 * - `packB(src, rs, cs, K, N, dst)`: 8-column panels, dst[p][k][c] = src[k·rs + (8p + c)·cs], 0 past column N.
 * - `rowBlock(K, src, rs, cs, pA, b, panels, c, ldc, init, bias)`: `packA` of 4 full rows into pA, then `row`
 *   (one call per 4-row block, the unit of work a worker thread is handed).
 * - `gemmABt(M, N, K, kc, a, lda, b, ldb, c, ldc, pA, pB)`: a whole C = A·Bᵀ for M a multiple of 4 and N of 8, A
 *   and B row-major (rows `lda` / `ldb` bytes apart): for each K block of `kc`, `packB` into pB and `rowBlock` over
 *   every 4 rows — the same arithmetic, in the same order, as {@link gemm} on those shapes (one call per product,
 *   so a thread can be handed a whole product).
 */
export interface GemmExports {
  tile(K: number, a: number, b: number, out: number, ldo: number, init: TileInit, bias: number): void;
  row(K: number, a: number, b: number, panels: number, c: number, ldc: number, init: TileInit, bias: number): void;
  packA(src: number, rs: number, cs: number, rows: number, K: number, dst: number): void;
  packB(src: number, rs: number, cs: number, K: number, N: number, dst: number): void;
  rowBlock(
    K: number, src: number, rs: number, cs: number, pA: number, b: number, panels: number, c: number, ldc: number,
    init: TileInit, bias: number,
  ): void;
  gemmABt(
    M: number, N: number, K: number, kc: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number,
    pA: number, pB: number,
  ): void;
}

/** The K block depth {@link gemm} uses for a product of depth K (the whole K when it is at most 1.5 blocks). */
export function kBlock(K: number): number {
  return K <= KC + KC / 2 ? K : KC;
}

/** Depth of one K block: a packed 4×KC panel of A and 8×KC panel of B stay in L1 while a tile is computed. */
const KC = 256;

function rowBlockFunction(rowIndex: number, packAIndex: number): WasmFunction {
  const f = new WasmFunction('rowBlock', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [K, src, rs, cs, pA, b, panels, c, ldc, init, bias] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  f.get(src).get(rs).get(cs).i32Const(MR).get(K).get(pA).call(packAIndex);
  f.get(K).get(pA).get(b).get(panels).get(c).get(ldc).get(init).get(bias).call(rowIndex);
  return f;
}

function gemmABtFunction(packBIndex: number, rowBlockIndex: number): WasmFunction {
  const f = new WasmFunction('gemmABt', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [M, N, K, kc, a, lda, b, ldb, c, ldc, pA, pB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const k0 = f.local(I32);
  const kb = f.local(I32);
  const i = f.local(I32);
  const init = f.local(I32);
  f.get(K).i32Const(0).i32GtS().get(M).i32Const(0).i32GtS().i32And().get(N).i32Const(0).i32GtS().i32And().if();
  f.i32Const(0).set(k0);
  f.loop();
  // kb = min(kc, K − k0)
  f.get(K).get(k0).i32Sub().set(kb);
  f.get(kb).get(kc).i32GtS().if().get(kc).set(kb).end();
  // column k0 of Bᵀ's rows: packB of a transposed B (k stride 4 bytes, column stride ldb)
  f.get(b).get(k0).i32Const(4).i32Mul().i32Add().i32Const(4).get(ldb).get(kb).get(N).get(pB).call(packBIndex);
  f.get(k0).i32Eqz().if().i32Const(TileInit.Zero).set(init).else().i32Const(TileInit.Load).set(init).end();
  f.i32Const(0).set(i);
  f.loop();
  f.get(kb);
  f.get(a).get(i).get(lda).i32Mul().i32Add().get(k0).i32Const(4).i32Mul().i32Add();
  f.get(lda).i32Const(4).get(pA).get(pB).get(N).i32Const(Math.log2(NR)).i32ShrU();
  f.get(c).get(i).get(ldc).i32Mul().i32Add().get(ldc).get(init).i32Const(0).call(rowBlockIndex);
  f.get(i).i32Const(MR).i32Add().tee(i).get(M).i32LtS().brIf(0);
  f.end();
  f.get(k0).get(kb).i32Add().tee(k0).get(K).i32LtS().brIf(0);
  f.end();
  f.end();
  return f;
}

function tileFunction(fma: boolean): WasmFunction {
  const f = new WasmFunction('tile', [I32, I32, I32, I32, I32, I32, I32]);
  const [K, a, b, out, ldo, init, bias] = [0, 1, 2, 3, 4, 5, 6];
  const acc: number[] = [];
  for (let i = 0; i < MR * 2; i++) acc.push(f.local(V128));
  const b0 = f.local(V128);
  const b1 = f.local(V128);
  const av = f.local(V128);
  const p = f.local(I32);
  // init
  f.get(init).i32Eqz().if();
  for (const r of acc) f.v128Zero().set(r);
  f.else();
  f.get(init).i32Const(TileInit.Load).i32Eq().if();
  f.get(out).set(p);
  for (let r = 0; r < MR; r++) {
    f.get(p).v128Load(0).set(acc[2 * r]);
    f.get(p).v128Load(16).set(acc[2 * r + 1]);
    f.get(p).get(ldo).i32Add().set(p);
  }
  f.else();
  for (let r = 0; r < MR; r++) {
    f.get(bias).v128Load(0).set(acc[2 * r]);
    f.get(bias).v128Load(16).set(acc[2 * r + 1]);
  }
  f.end().end();
  // k loop
  f.get(K).i32Const(0).i32GtS().if().loop();
  f.get(b).v128Load(0).set(b0);
  f.get(b).v128Load(16).set(b1);
  for (let r = 0; r < MR; r++) {
    f.get(a).v128Load32Splat(4 * r).set(av);
    emitMadd(f, fma, acc[2 * r], av, b0);
    emitMadd(f, fma, acc[2 * r + 1], av, b1);
  }
  f.get(a).i32Const(4 * MR).i32Add().set(a);
  f.get(b).i32Const(4 * NR).i32Add().set(b);
  f.get(K).i32Const(1).i32Sub().tee(K).brIf(0);
  f.end().end();
  // store
  f.get(out).set(p);
  for (let r = 0; r < MR; r++) {
    f.get(p).get(acc[2 * r]).v128Store(0);
    f.get(p).get(acc[2 * r + 1]).v128Store(16);
    f.get(p).get(ldo).i32Add().set(p);
  }
  return f;
}

function rowFunction(tileIndex: number): WasmFunction {
  const f = new WasmFunction('row', [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [K, a, b, panels, c, ldc, init, bias] = [0, 1, 2, 3, 4, 5, 6, 7];
  const panelBytes = f.local(I32);
  f.get(K).i32Const(4 * NR).i32Mul().set(panelBytes);
  f.get(panels).i32Const(0).i32GtS().if().loop();
  f.get(K).get(a).get(b).get(c).get(ldc).get(init).get(bias).call(tileIndex);
  f.get(b).get(panelBytes).i32Add().set(b);
  f.get(c).i32Const(4 * NR).i32Add().set(c);
  f.get(bias).i32Const(4 * NR).i32Add().set(bias);
  f.get(panels).i32Const(1).i32Sub().tee(panels).brIf(0);
  f.end().end();
  return f;
}

/**
 * Transposes the 4 × 4 block held in rows[0..3] (one f32x4 local each) into cols[0..3] (cols[c] = lane c of every
 * row), through four temporaries; cols may be the same locals as rows.
 */
function emitTranspose4(f: WasmFunction, rows: readonly number[], tmp: readonly number[], cols: readonly number[]): void {
  const [a, b, c, d] = rows;
  f.get(a).get(b).i32x4Shuffle([0, 4, 1, 5]).set(tmp[0]); // a0 b0 a1 b1
  f.get(a).get(b).i32x4Shuffle([2, 6, 3, 7]).set(tmp[1]); // a2 b2 a3 b3
  f.get(c).get(d).i32x4Shuffle([0, 4, 1, 5]).set(tmp[2]); // c0 d0 c1 d1
  f.get(c).get(d).i32x4Shuffle([2, 6, 3, 7]).set(tmp[3]); // c2 d2 c3 d3
  f.get(tmp[0]).get(tmp[2]).i32x4Shuffle([0, 1, 4, 5]).set(cols[0]);
  f.get(tmp[0]).get(tmp[2]).i32x4Shuffle([2, 3, 6, 7]).set(cols[1]);
  f.get(tmp[1]).get(tmp[3]).i32x4Shuffle([0, 1, 4, 5]).set(cols[2]);
  f.get(tmp[1]).get(tmp[3]).i32x4Shuffle([2, 3, 6, 7]).set(cols[3]);
}

/** Loads vectors[i] from p + i·stride (stride a local holding bytes), walking local r. */
function emitStridedLoads(f: WasmFunction, p: number, r: number, stride: number, vectors: readonly number[]): void {
  f.get(p).set(r);
  vectors.forEach((vec, i) => {
    f.get(r).v128Load(0).set(vec);
    if (i < vectors.length - 1) f.get(r).get(stride).i32Add().set(r);
  });
}

/**
 * The packing loops' tail, one k at a time while local k > 0: `lines` floats, each contiguous in k, `stride` (a
 * local holding bytes) apart starting at p, stored adjacent at q; p moves to the next k, q past the stored floats.
 */
function emitScalarTail(
  f: WasmFunction,
  { k, p, q, r, lines, stride }: { k: number; p: number; q: number; r: number; lines: number; stride: number },
): void {
  f.get(k).i32Const(0).i32GtS().if().loop();
  f.get(p).set(r);
  for (let i = 0; i < lines; i++) {
    f.get(q).get(r).f32Load(0).f32Store(4 * i);
    if (i < lines - 1) f.get(r).get(stride).i32Add().set(r);
  }
  f.get(p).i32Const(4).i32Add().set(p);
  f.get(q).i32Const(4 * lines).i32Add().set(q);
  f.get(k).i32Const(1).i32Sub().tee(k).brIf(0);
  f.end().end();
}

function packAFunction(): WasmFunction {
  const f = new WasmFunction('packA', [I32, I32, I32, I32, I32, I32]);
  const [src, rs, cs, rows, K, dst] = [0, 1, 2, 3, 4, 5];
  const k = f.local(I32);
  const p = f.local(I32);
  const q = f.local(I32);
  const r = f.local(I32);
  const v: number[] = [];
  for (let i = 0; i < 8; i++) v.push(f.local(V128));
  // Four full rows, each contiguous in k (a row-major A): 4 × 4 blocks loaded as rows and stored transposed.
  f.get(rows).i32Const(MR).i32Eq().get(cs).i32Const(4).i32Eq().i32And().if();
  f.get(K).set(k).get(src).set(p).get(dst).set(q);
  f.get(k).i32Const(4).i32GeS().if().loop();
  emitStridedLoads(f, p, r, rs, v.slice(0, 4));
  emitTranspose4(f, v.slice(0, 4), v.slice(4), v.slice(0, 4));
  for (let i = 0; i < 4; i++) f.get(q).get(v[i]).v128Store(16 * i);
  f.get(p).i32Const(16).i32Add().set(p);
  f.get(q).i32Const(64).i32Add().set(q);
  f.get(k).i32Const(4).i32Sub().tee(k).i32Const(4).i32GeS().brIf(0);
  f.end().end();
  // the last K mod 4 values of each row
  emitScalarTail(f, { k, p, q, r, lines: 4, stride: rs });
  f.else();
  // The four rows' values at one k are adjacent (a transposed A): one vector copy per k.
  f.get(rows).i32Const(MR).i32Eq().get(rs).i32Const(4).i32Eq().i32And().if();
  f.get(K).set(k).get(src).set(p).get(dst).set(q);
  f.get(k).i32Const(0).i32GtS().if().loop();
  f.get(q).get(p).v128Load(0).v128Store(0);
  f.get(p).get(cs).i32Add().set(p);
  f.get(q).i32Const(16).i32Add().set(q);
  f.get(k).i32Const(1).i32Sub().tee(k).brIf(0);
  f.end().end();
  f.else();
  f.get(rows).i32Const(MR).i32LtS().if();
  f.get(dst).i32Const(0).get(K).i32Const(4 * MR).i32Mul().memoryFill();
  f.end();
  f.i32Const(0).set(r);
  f.get(rows).i32Const(0).i32GtS().if().loop();
  f.get(K).set(k);
  f.get(src).get(r).get(rs).i32Mul().i32Add().set(p);
  f.get(dst).get(r).i32Const(4).i32Mul().i32Add().set(q);
  f.get(k).i32Const(0).i32GtS().if().loop();
  f.get(q).get(p).f32Load(0).f32Store(0);
  f.get(p).get(cs).i32Add().set(p);
  f.get(q).i32Const(4 * MR).i32Add().set(q);
  f.get(k).i32Const(1).i32Sub().tee(k).brIf(0);
  f.end().end();
  f.get(r).i32Const(1).i32Add().tee(r).get(rows).i32LtS().brIf(0);
  f.end().end();
  f.end();
  f.end();
  return f;
}

function packBFunction(): WasmFunction {
  const f = new WasmFunction('packB', [I32, I32, I32, I32, I32, I32]);
  const [src, rs, cs, K, N, dst] = [0, 1, 2, 3, 4, 5];
  const j0 = f.local(I32);
  const cols = f.local(I32);
  const c = f.local(I32);
  const k = f.local(I32);
  const p = f.local(I32);
  const q = f.local(I32);
  const r = f.local(I32);
  const v: number[] = [];
  for (let i = 0; i < 8; i++) v.push(f.local(V128));
  const t: number[] = [];
  for (let i = 0; i < 4; i++) t.push(f.local(V128));
  f.i32Const(0).set(j0);
  f.get(N).i32Const(0).i32GtS().if().loop();
  // cols = min(8, N - j0)
  f.get(N).get(j0).i32Sub().set(cols);
  f.get(cols).i32Const(NR).i32GtS().if().i32Const(NR).set(cols).end();
  f.get(cols).i32Const(NR).i32Eq().get(rs).i32Const(4).i32Eq().i32And().if();
  // a full panel of a transposed B (each column contiguous in k): 4 k × 8 columns loaded as 8 column vectors,
  // stored as 4 rows of two vectors
  f.get(K).set(k).get(src).get(j0).get(cs).i32Mul().i32Add().set(p).get(dst).set(q);
  f.get(k).i32Const(4).i32GeS().if().loop();
  emitStridedLoads(f, p, r, cs, v);
  emitTranspose4(f, v.slice(0, 4), t, v.slice(0, 4));
  emitTranspose4(f, v.slice(4), t, v.slice(4));
  for (let i = 0; i < 4; i++) {
    f.get(q).get(v[i]).v128Store(32 * i);
    f.get(q).get(v[4 + i]).v128Store(32 * i + 16);
  }
  f.get(p).i32Const(16).i32Add().set(p);
  f.get(q).i32Const(128).i32Add().set(q);
  f.get(k).i32Const(4).i32Sub().tee(k).i32Const(4).i32GeS().brIf(0);
  f.end().end();
  // the last K mod 4 rows
  emitScalarTail(f, { k, p, q, r, lines: 8, stride: cs });
  f.else();
  f.get(cols).i32Const(NR).i32Eq().get(cs).i32Const(4).i32Eq().i32And().if();
  // a full panel of contiguous columns: two vector copies per k
  f.get(K).set(k).get(src).get(j0).i32Const(4).i32Mul().i32Add().set(p).get(dst).set(q);
  f.get(k).i32Const(0).i32GtS().if().loop();
  f.get(q).get(p).v128Load(0).v128Store(0);
  f.get(q).get(p).v128Load(16).v128Store(16);
  f.get(p).get(rs).i32Add().set(p);
  f.get(q).i32Const(4 * NR).i32Add().set(q);
  f.get(k).i32Const(1).i32Sub().tee(k).brIf(0);
  f.end().end();
  f.else();
  f.get(cols).i32Const(NR).i32LtS().if();
  f.get(dst).i32Const(0).get(K).i32Const(4 * NR).i32Mul().memoryFill();
  f.end();
  f.i32Const(0).set(c);
  f.loop();
  f.get(K).set(k);
  f.get(src).get(j0).get(c).i32Add().get(cs).i32Mul().i32Add().set(p);
  f.get(dst).get(c).i32Const(4).i32Mul().i32Add().set(q);
  f.get(k).i32Const(0).i32GtS().if().loop();
  f.get(q).get(p).f32Load(0).f32Store(0);
  f.get(p).get(rs).i32Add().set(p);
  f.get(q).i32Const(4 * NR).i32Add().set(q);
  f.get(k).i32Const(1).i32Sub().tee(k).brIf(0);
  f.end().end();
  f.get(c).i32Const(1).i32Add().tee(c).get(cols).i32LtS().brIf(0);
  f.end();
  f.end();
  f.end();
  f.get(dst).get(K).i32Const(4 * NR).i32Mul().i32Add().set(dst);
  f.get(j0).i32Const(NR).i32Add().tee(j0).get(N).i32LtS().brIf(0);
  f.end().end();
  return f;
}

/** Builds the GEMM module's bytes; `fma` selects relaxed-SIMD fused multiply-adds. */
export function gemmModuleBytes(fma: boolean, memory: MemoryImport = 'plain'): Uint8Array<ArrayBuffer> {
  return assembleModule(
    [tileFunction(fma), rowFunction(0), packAFunction(), packBFunction(), rowBlockFunction(1, 2), gemmABtFunction(3, 4)],
    memory,
  );
}
