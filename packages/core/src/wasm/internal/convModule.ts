import { I32, V128, WasmFunction, assembleModule, type MemoryImport } from './WasmAssembler.js';
import { emitMadd } from './gemmModule.js';

/**
 * A direct convolution over a zero-padded NHWC input, generated for one layer shape so every filter tap is an
 * immediate offset: 4 output pixels × 8 output channels per register tile, input channels in the inner loop, one
 * such loop per tap (the "direct convolution" schedule of Zhang, Franchetti & Low 2018, "High performance
 * zero-memory overhead direct convolutions", without their register blocking along height).
 */
export interface ConvRowPlan {
  /** Channels of the padded input (its innermost stride). */
  readonly cin: number;
  /** Output channels, a multiple of 8 (the packed filter is zero beyond the real ones). */
  readonly coutPadded: number;
  /** Output pixels per row. */
  readonly outWidth: number;
  /** Byte offset from one output pixel's input to the next one's (stride × cin × 4). */
  readonly pixelStep: number;
  /** Byte offset between consecutive output pixels of a row (coutPadded × 4, or a multiple for strided output). */
  readonly outPixelStep: number;
  /** Byte offset of each filter tap from the input of its output pixel. */
  readonly taps: readonly number[];
  readonly fma: boolean;
}

/** `row(x, w, out)`: one output row, all channel blocks. w is packed [coutPadded/8][taps][cin][8]. */
export function convRowModuleBytes(plan: ConvRowPlan, memory: MemoryImport = 'plain'): Uint8Array<ArrayBuffer> {
  const { cin, coutPadded, outWidth, pixelStep, outPixelStep, taps, fma } = plan;
  const T = taps.length;
  const f = new WasmFunction('row', [I32, I32, I32]);
  const [x, w, out] = [0, 1, 2];
  const acc: number[] = [];
  for (let i = 0; i < 8; i++) acc.push(f.local(V128));
  const b0 = f.local(V128);
  const b1 = f.local(V128);
  const av = f.local(V128);
  const jb = f.local(I32);
  const wp = f.local(I32);
  const op = f.local(I32);
  const xq = f.local(I32);
  const tile = f.local(I32);
  const xi = f.local(I32);
  const wi = f.local(I32);
  const ci = f.local(I32);
  const outPixel = outPixelStep;
  // One loop over input channels per tap: a body of one tap keeps V8's register allocation as tight as the GEMM
  // tile's (all taps in one body measured 13 GFLOP/s, this 48).
  const emitTile = (rows: number): void => {
    for (let i = 0; i < rows * 2; i++) f.v128Zero().set(acc[i]);
    f.get(wp).set(wi);
    for (let t = 0; t < T; t++) {
      f.get(xq).i32Const(taps[t]).i32Add().set(xi).i32Const(cin).set(ci);
      f.loop();
      f.get(wi).v128Load(0).set(b0);
      f.get(wi).v128Load(16).set(b1);
      for (let r = 0; r < rows; r++) {
        f.get(xi).v128Load32Splat(r * pixelStep).set(av);
        emitMadd(f, fma, acc[2 * r], av, b0);
        emitMadd(f, fma, acc[2 * r + 1], av, b1);
      }
      f.get(xi).i32Const(4).i32Add().set(xi);
      f.get(wi).i32Const(32).i32Add().set(wi);
      f.get(ci).i32Const(1).i32Sub().tee(ci).brIf(0);
      f.end();
    }
    for (let r = 0; r < rows; r++) {
      f.get(op).get(acc[2 * r]).v128Store(r * outPixel);
      f.get(op).get(acc[2 * r + 1]).v128Store(r * outPixel + 16);
    }
  };
  const fullTiles = Math.floor(outWidth / 4);
  const rest = outWidth % 4;
  f.i32Const(0).set(jb);
  f.loop();
  f.get(w).get(jb).i32Const(cin * T * 32).i32Mul().i32Add().set(wp);
  f.get(out).get(jb).i32Const(32).i32Mul().i32Add().set(op);
  f.get(x).set(xq);
  if (fullTiles > 0) {
    f.i32Const(fullTiles).set(tile);
    f.loop();
    emitTile(4);
    f.get(xq).i32Const(4 * pixelStep).i32Add().set(xq);
    f.get(op).i32Const(4 * outPixel).i32Add().set(op);
    f.get(tile).i32Const(1).i32Sub().tee(tile).brIf(0);
    f.end();
  }
  if (rest > 0) emitTile(rest);
  f.get(jb).i32Const(1).i32Add().tee(jb).i32Const(coutPadded / 8).i32LtS().brIf(0);
  f.end();
  return assembleModule([f], memory);
}

/**
 * The filter gradient of a convolution, dW[tap][ci][co] += Σ_pixels x[pixel + tap][ci] · dy[pixel][co], for one
 * image: a 4 (input channels) × 8 (output channels) register tile per tap, reduced over every output pixel, so it
 * needs no im2col buffer. x and dy come channel-blocked (x [cin/4][rows][cols][4], dy [cout/8][pixels][8]), so the
 * reduction streams both (with plain NHWC each pixel's 16 + 32 bytes came from two different cache lines and the
 * kernel was bound by L2 bandwidth, ~25% slower).
 */
export interface FilterGradPlan {
  /** Channels of the padded input, a multiple of 4. */
  readonly cinPadded: number;
  /** Channels of dy, a multiple of 8. */
  readonly coutPadded: number;
  readonly outHeight: number;
  readonly outWidth: number;
  /** Byte offset between horizontally adjacent output pixels' inputs in one channel block (strideW × 16). */
  readonly pixelStep: number;
  /** Byte offset between vertically adjacent output rows' inputs in one channel block (strideH × paddedWidth × 16). */
  readonly rowStep: number;
  /** Bytes of one input channel block (paddedHeight × paddedWidth × 16). */
  readonly blockStep: number;
  /** Byte offset of each filter tap within a channel block ((kh·dH·paddedWidth + kw·dW) × 16). */
  readonly taps: readonly number[];
  readonly fma: boolean;
}

/** `image(x, dy, dw)`: accumulates one image's contribution into dw [taps][cinPadded][coutPadded]. */
export function filterGradModuleBytes(plan: FilterGradPlan, memory: MemoryImport = 'plain'): Uint8Array<ArrayBuffer> {
  const { cinPadded, coutPadded, outHeight, outWidth, pixelStep, rowStep, blockStep, taps, fma } = plan;
  const f = new WasmFunction('image', [I32, I32, I32]);
  const [x, dy, dw] = [0, 1, 2];
  const acc: number[] = [];
  for (let i = 0; i < 8; i++) acc.push(f.local(V128));
  const b0 = f.local(V128);
  const b1 = f.local(V128);
  const av = f.local(V128);
  const cb = f.local(I32);
  const jb = f.local(I32);
  const tp = f.local(I32);
  const xr = f.local(I32);
  const dr = f.local(I32);
  const xi = f.local(I32);
  const di = f.local(I32);
  const oh = f.local(I32);
  const ow = f.local(I32);
  const rowBytes = coutPadded * 4;
  const dyBlock = outHeight * outWidth * 32;
  taps.forEach((tapOffset, t) => {
    f.i32Const(0).set(cb);
    f.loop();
    f.i32Const(0).set(jb);
    f.loop();
    // tile pointer: dw + ((t·cin + 4·cb)·cout + 8·jb)·4
    f.get(dw).i32Const(t * cinPadded * rowBytes).i32Add();
    f.get(cb).i32Const(4 * rowBytes).i32Mul().i32Add();
    f.get(jb).i32Const(32).i32Mul().i32Add().set(tp);
    for (let r = 0; r < 4; r++) {
      f.get(tp).v128Load(r * rowBytes).set(acc[2 * r]);
      f.get(tp).v128Load(r * rowBytes + 16).set(acc[2 * r + 1]);
    }
    f.get(x).i32Const(tapOffset).i32Add().get(cb).i32Const(blockStep).i32Mul().i32Add().set(xr);
    f.get(dy).get(jb).i32Const(dyBlock).i32Mul().i32Add().set(dr);
    f.i32Const(outHeight).set(oh);
    f.loop();
    f.get(xr).set(xi).get(dr).set(di).i32Const(outWidth).set(ow);
    f.loop();
    f.get(di).v128Load(0).set(b0);
    f.get(di).v128Load(16).set(b1);
    for (let r = 0; r < 4; r++) {
      f.get(xi).v128Load32Splat(4 * r).set(av);
      emitMadd(f, fma, acc[2 * r], av, b0);
      emitMadd(f, fma, acc[2 * r + 1], av, b1);
    }
    f.get(xi).i32Const(pixelStep).i32Add().set(xi);
    f.get(di).i32Const(32).i32Add().set(di);
    f.get(ow).i32Const(1).i32Sub().tee(ow).brIf(0);
    f.end();
    f.get(xr).i32Const(rowStep).i32Add().set(xr);
    f.get(dr).i32Const(outWidth * 32).i32Add().set(dr);
    f.get(oh).i32Const(1).i32Sub().tee(oh).brIf(0);
    f.end();
    for (let r = 0; r < 4; r++) {
      f.get(tp).get(acc[2 * r]).v128Store(r * rowBytes);
      f.get(tp).get(acc[2 * r + 1]).v128Store(r * rowBytes + 16);
    }
    f.get(jb).i32Const(1).i32Add().tee(jb).i32Const(coutPadded / 8).i32LtS().brIf(0);
    f.end();
    f.get(cb).i32Const(1).i32Add().tee(cb).i32Const(cinPadded / 4).i32LtS().brIf(0);
    f.end();
  });
  return assembleModule([f], memory);
}
