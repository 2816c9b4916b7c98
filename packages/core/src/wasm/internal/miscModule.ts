import { I32, WasmFunction, assembleModule } from './WasmAssembler.js';

/**
 * Memory-bound helpers that tfjs-backend-wasm implements element by element in JS or through a transpose:
 * - `copyRows(src, srcStride, dst, dstStride, rows, bytes)`: `rows` copies of `bytes` bytes (concat, split, slices
 *   along an inner axis).
 * - `colSum(src, rows, cols, dst)`: dst[c] = Σ_r src[r·cols + c] (reductions over leading axes, e.g. bias grads).
 * - `scatterAdd(src, ids, count, segments, cols, dst)`: dst[ids[i]] += src[i] row-wise, ids outside [0, segments)
 *   dropped (unsorted segment sum, gather and nearest-neighbour-resize gradients).
 * - `blockChannels(src, pixels, channels, block, dst)`: dst[cb][p][0..block) = src[p][cb·block ..] for block 4 or 8
 *   (channel-blocked "NCHWc" layout, so a kernel reading `block` channels of consecutive pixels streams memory).
 */
export interface MiscExports {
  copyRows(src: number, srcStride: number, dst: number, dstStride: number, rows: number, bytes: number): void;
  colSum(src: number, rows: number, cols: number, dst: number): void;
  scatterAdd(src: number, ids: number, count: number, segments: number, cols: number, dst: number): void;
  blockChannels(src: number, pixels: number, channels: number, block: number, dst: number): void;
}

function blockChannels(): WasmFunction {
  const f = new WasmFunction('blockChannels', [I32, I32, I32, I32, I32]);
  const [src, pixels, channels, block, dst] = [0, 1, 2, 3, 4];
  const cb = f.local(I32);
  const p = f.local(I32);
  const s = f.local(I32);
  const pixelBytes = f.local(I32);
  f.get(channels).i32Const(4).i32Mul().set(pixelBytes);
  f.i32Const(0).set(cb);
  f.get(channels).i32Const(0).i32GtS().get(pixels).i32Const(0).i32GtS().i32And().if().loop();
  f.get(src).get(cb).get(block).i32Mul().i32Const(4).i32Mul().i32Add().set(s);
  f.get(pixels).set(p);
  f.loop();
  f.get(dst).get(s).v128Load(0).v128Store(0);
  f.get(block).i32Const(8).i32Eq().if();
  f.get(dst).get(s).v128Load(16).v128Store(16);
  f.end();
  f.get(dst).get(block).i32Const(4).i32Mul().i32Add().set(dst);
  f.get(s).get(pixelBytes).i32Add().set(s);
  f.get(p).i32Const(1).i32Sub().tee(p).brIf(0);
  f.end();
  f.get(cb).i32Const(1).i32Add().tee(cb).get(block).i32Mul().get(channels).i32LtS().brIf(0);
  f.end().end();
  return f;
}

function copyRows(): WasmFunction {
  const f = new WasmFunction('copyRows', [I32, I32, I32, I32, I32, I32]);
  const [src, ss, dst, ds, rows, bytes] = [0, 1, 2, 3, 4, 5];
  f.get(rows).i32Const(0).i32GtS().if().loop();
  f.get(dst).get(src).get(bytes).memoryCopy();
  f.get(src).get(ss).i32Add().set(src);
  f.get(dst).get(ds).i32Add().set(dst);
  f.get(rows).i32Const(1).i32Sub().tee(rows).brIf(0);
  f.end().end();
  return f;
}

/** Emits dst[0..cols) += src[0..cols) (floats, byte pointers in locals `s`, `d`), four lanes at a time. */
function emitRowAdd(f: WasmFunction, s: number, d: number, cols: number, c: number, p: number, q: number): void {
  f.get(s).set(p).get(d).set(q).get(cols).set(c);
  f.block().loop();
  f.get(c).i32Const(4).i32LtS().brIf(1);
  f.get(q).get(q).v128Load(0).get(p).v128Load(0).f32x4Add().v128Store(0);
  f.get(p).i32Const(16).i32Add().set(p);
  f.get(q).i32Const(16).i32Add().set(q);
  f.get(c).i32Const(4).i32Sub().set(c);
  f.br(0);
  f.end().end();
  f.block().loop();
  f.get(c).i32Eqz().brIf(1);
  f.get(q).get(q).f32Load(0).get(p).f32Load(0).f32Add().f32Store(0);
  f.get(p).i32Const(4).i32Add().set(p);
  f.get(q).i32Const(4).i32Add().set(q);
  f.get(c).i32Const(1).i32Sub().set(c);
  f.br(0);
  f.end().end();
}

function colSum(): WasmFunction {
  const f = new WasmFunction('colSum', [I32, I32, I32, I32]);
  const [src, rows, cols, dst] = [0, 1, 2, 3];
  const c = f.local(I32);
  const p = f.local(I32);
  const q = f.local(I32);
  f.get(dst).i32Const(0).get(cols).i32Const(4).i32Mul().memoryFill();
  f.get(rows).i32Const(0).i32GtS().if().loop();
  emitRowAdd(f, src, dst, cols, c, p, q);
  f.get(src).get(cols).i32Const(4).i32Mul().i32Add().set(src);
  f.get(rows).i32Const(1).i32Sub().tee(rows).brIf(0);
  f.end().end();
  return f;
}

function scatterAdd(): WasmFunction {
  const f = new WasmFunction('scatterAdd', [I32, I32, I32, I32, I32, I32]);
  const [src, ids, count, segments, cols, dst] = [0, 1, 2, 3, 4, 5];
  const id = f.local(I32);
  const d = f.local(I32);
  const c = f.local(I32);
  const p = f.local(I32);
  const q = f.local(I32);
  f.get(count).i32Const(0).i32GtS().if().loop();
  f.get(ids).i32Load(0).set(id);
  // 0 ≤ id < segments (unsigned compare covers both ends)
  f.get(id).get(segments).i32LtU().if();
  f.get(dst).get(id).get(cols).i32Mul().i32Const(4).i32Mul().i32Add().set(d);
  emitRowAdd(f, src, d, cols, c, p, q);
  f.end();
  f.get(src).get(cols).i32Const(4).i32Mul().i32Add().set(src);
  f.get(ids).i32Const(4).i32Add().set(ids);
  f.get(count).i32Const(1).i32Sub().tee(count).brIf(0);
  f.end().end();
  return f;
}

export function miscModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule([copyRows(), colSum(), scatterAdd(), blockChannels()]);
}
