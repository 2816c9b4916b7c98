/** True when the addon is built and this CPU can run it (x86-64 with AVX2 and FMA). */
export declare const available: boolean;
/** Why {@link available} is false (and what to run about it); empty when it is true. */
export declare const reason: string;
/**
 * The path of the loaded addon: `src/build/Release/scorekit_native.node` when built from source here, else the prebuilt
 * `prebuilds/<platform>-<arch>/scorekit_native.napi[.<libc>].node` shipped in the package; empty when none loaded.
 */
export declare const binary: string;
/**
 * C = A·B (+ bias) in float32 on the bytes of `heap` (tfjs's wasm heap, or any ArrayBuffer). All offsets and
 * strides are in bytes: element (i, j) of A is the float at `a + i·aRowStride + j·aColStride`, so a transpose is a
 * choice of strides; C is M×N with rows `cRowStride` bytes apart; `bias` is the offset of N floats added to every
 * row, or 0 for none. The work is split over up to `threads` threads by whole rows or columns of C, so results do
 * not depend on the thread count. Ranges outside `heap` throw a RangeError. Throws when {@link available} is false.
 */
export declare function gemm(
  heap: ArrayBuffer,
  M: number,
  N: number,
  K: number,
  a: number,
  aRowStride: number,
  aColStride: number,
  b: number,
  bRowStride: number,
  bColStride: number,
  c: number,
  cRowStride: number,
  bias: number,
  threads: number,
): void;
/**
 * dst[i] = x·σ(x) for the `count` floats x at byte offset `src` of `heap` (dst may equal src); within 4e-7
 * relative of the float64 value. Split over up to `threads` threads.
 */
export declare function silu(heap: ArrayBuffer, src: number, dst: number, count: number, threads: number): void;
/** dst[i] = SiLU'(x) = σ(x)(1 + x(1 − σ(x))), like {@link silu}. */
export declare function siluDerivative(heap: ArrayBuffer, src: number, dst: number, count: number, threads: number): void;
/**
 * A direct 2-D convolution (NHWC) of an already zero-padded input x [batch, paddedH, paddedW, inC] with a filter
 * packed as [ceil(outC/16)][kH·kW][inC][16] (zero past outC): out[n, i, j, co] = Σ x[n, i·sH + kh·dH, j·sW + kw·dW, ci]
 * · w[…], written at byte `out` + 4·(n·outImageStride + i·outRowStride + j·outPixelStride + co). Offsets in bytes,
 * output strides in floats. Rows of the output go to whichever of `threads` threads is free; results do not depend
 * on the thread count.
 */
export declare function conv(
  heap: ArrayBuffer,
  x: number,
  batch: number,
  paddedH: number,
  paddedW: number,
  inC: number,
  w: number,
  kH: number,
  kW: number,
  dH: number,
  dW: number,
  sH: number,
  sW: number,
  outH: number,
  outW: number,
  outC: number,
  out: number,
  outPixelStride: number,
  outRowStride: number,
  outImageStride: number,
  threads: number,
): void;
/**
 * The filter gradient of {@link conv}: dw [kH·kW][inC][outC] (dense) = Σ over pixels of x · dy, with dy dense
 * [batch, outH, outW, outC]. Results do not depend on `threads`.
 */
export declare function convFilterGrad(
  heap: ArrayBuffer,
  x: number,
  batch: number,
  paddedH: number,
  paddedW: number,
  inC: number,
  dy: number,
  kH: number,
  kW: number,
  dH: number,
  dW: number,
  sH: number,
  sW: number,
  outH: number,
  outW: number,
  outC: number,
  dw: number,
  threads: number,
): void;
/**
 * {@link conv} with implicit zero padding: x [batch, inH, inW, inC] as it is, read as zero at rows
 * i·sH + kh·dH − padTop and columns j·sW + kw·dW − padLeft outside it (a negative padding crops), so no padded copy
 * is needed; `bias` (byte offset of outC floats, 0 for none) is added to each finished sum, the same rounding as
 * adding it afterwards. Otherwise the same filter packing, output strides and thread independence.
 */
export declare function conv2d(
  heap: ArrayBuffer,
  x: number,
  batch: number,
  inH: number,
  inW: number,
  inC: number,
  padTop: number,
  padLeft: number,
  w: number,
  bias: number,
  kH: number,
  kW: number,
  dH: number,
  dW: number,
  sH: number,
  sW: number,
  outH: number,
  outW: number,
  outC: number,
  out: number,
  outPixelStride: number,
  outRowStride: number,
  outImageStride: number,
  threads: number,
): void;
/**
 * {@link conv2d} into a dense output [batch, outH, outW, outC] whose last step also adds a per-sample bias and a
 * residual and scales: each finished sum v becomes ((v + bias[co]) + sampleBias[n][co]), then residual[n, i, j, co]
 * + that, then × scale, each a float32 operation, so the bits of the separate tensor operations (a ResNet block's
 * time embedding, and its (skip + h)·rescale). `bias`, `sampleBias` ([batch][outC]) and `residual` (shaped like the
 * output) are byte offsets, 0 for none; scale 1 skips the product.
 */
export declare function conv2dFused(
  heap: ArrayBuffer,
  x: number,
  batch: number,
  inH: number,
  inW: number,
  inC: number,
  padTop: number,
  padLeft: number,
  w: number,
  kH: number,
  kW: number,
  dH: number,
  dW: number,
  sH: number,
  sW: number,
  outH: number,
  outW: number,
  outC: number,
  out: number,
  bias: number,
  sampleBias: number,
  residual: number,
  scale: number,
  threads: number,
): void;
/** The filter gradient of {@link conv2d} (x unpadded, zeros implicit), as {@link convFilterGrad} computes it. */
export declare function conv2dFilterGrad(
  heap: ArrayBuffer,
  x: number,
  batch: number,
  inH: number,
  inW: number,
  inC: number,
  padTop: number,
  padLeft: number,
  dy: number,
  kH: number,
  kW: number,
  dH: number,
  dW: number,
  sH: number,
  sW: number,
  outH: number,
  outW: number,
  outC: number,
  dw: number,
  threads: number,
): void;
/**
 * One Adam step over `count` float32 values (byte offsets into `heap`): m' = m·β₁ + g·(1 − β₁),
 * v' = v·β₂ + g²·(1 − β₂), w' = (m'/c₁) / (√(v'/c₂) + ε)·(−lr) + w with c₁ = oneMinusAccBeta1, c₂ = oneMinusAccBeta2 —
 * tfjs's AdamOptimizer's float32 operations in its order, so the same bits as tf.train.adam.
 */
export declare function adam(
  heap: ArrayBuffer,
  w: number,
  g: number,
  m: number,
  v: number,
  wOut: number,
  mOut: number,
  vOut: number,
  count: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  learningRate: number,
  oneMinusAccBeta1: number,
  oneMinusAccBeta2: number,
): void;
/**
 * GroupNorm over NHWC float32 images (byte offsets into `heap`): per sample and group of channels/groups channels
 * over all pixels, y = act((x − μ)·rstd·γ + β) with rstd = 1/√(var + ε) (biased variance), act SiLU when `silu` is
 * 1, else the identity; writes μ and rstd [n][groups]. Each sample is computed by one thread: the same bits on any
 * thread count.
 */
export declare function groupNorm(
  heap: ArrayBuffer,
  x: number,
  gamma: number,
  beta: number,
  y: number,
  mean: number,
  rstd: number,
  n: number,
  pixels: number,
  channels: number,
  groups: number,
  epsilon: number,
  silu: number,
  threads: number,
): void;
/**
 * The gradient of {@link groupNorm}: dx, dγ and dβ from dy, x, γ, β and the forward's μ and rstd; dγ and dβ are summed
 * over samples in sample order (the same bits on any thread count).
 */
export declare function groupNormGrad(
  heap: ArrayBuffer,
  dy: number,
  x: number,
  gamma: number,
  beta: number,
  mean: number,
  rstd: number,
  dx: number,
  dgamma: number,
  dbeta: number,
  n: number,
  pixels: number,
  channels: number,
  groups: number,
  silu: number,
  threads: number,
): void;
/**
 * Dropout's mask from @scorekit/core's Rng (xoshiro128**): `count` floats at byte offset `out`, each `scale` where
 * the next draw (two 32-bit outputs made a 53-bit double, rounded to float32, as `Rng.uniformArray` stores it) is
 * ≥ `rate`, else 0. `state` holds the generator's four words and advances in place exactly as the JavaScript
 * generator would, so both paths give the same bits and leave the same state. With `threads` (default 1) the stream
 * is cut into fixed chunks of 2^15 values whose starting states are found by jumping ahead (the state update is
 * linear over GF(2)), drawn on up to that many threads: the same bits and final state on any thread count.
 */
export declare function dropoutMask(
  heap: ArrayBuffer,
  out: number,
  count: number,
  rate: number,
  scale: number,
  state: Int32Array | Uint32Array,
  threads?: number,
): void;
/**
 * out[i] = a[i] ⊕ b[j] for `count` floats (op 0: +, 1: −, 2: ×), b repeating each of its `period`-float rows
 * `repeat` times: j = ⌊i / (period·repeat)⌋·period + i mod period. So period = count, repeat = 1 is two tensors of
 * one shape; period 1, repeat count a scalar; period C a per-channel vector of [..., C]; period C, repeat h·w a
 * per-sample [n, 1, 1, C] against [n, h, w, C]. Offsets in bytes; count a multiple of period·repeat. One float32
 * operation per element, so the results do not depend on `threads`.
 */
export declare function arithmetic(
  heap: ArrayBuffer,
  op: 0 | 1 | 2,
  a: number,
  b: number,
  out: number,
  count: number,
  period: number,
  repeat: number,
  threads: number,
): void;
/**
 * out[o][c] = Σ_m x[o][m][c] for x [outer][middle][inner] floats at byte offset `x`, out [outer][inner]: rows summed
 * in float within fixed blocks (of ~64 KiB), the blocks added in order in double and rounded once; the blocks depend
 * on the shape only, so the results do not depend on `threads`.
 */
export declare function sumMiddle(
  heap: ArrayBuffer,
  x: number,
  out: number,
  outer: number,
  middle: number,
  inner: number,
  threads: number,
): void;
/**
 * Nearest-neighbour ×2 upsampling: x [n, h, w, c] (NHWC floats at byte offset `x`) into out [n, 2h, 2w, c], each pixel
 * copied into its 2 × 2 block; rows on up to `threads` threads.
 */
export declare function upsample2x(heap: ArrayBuffer, x: number, out: number, n: number, h: number, w: number, c: number, threads: number): void;
/**
 * The adjoint of {@link upsample2x}: out [n, h, w, c] = the sum of each 2 × 2 block of dy [n, 2h, 2w, c], added as
 * ((top-left + top-right) + bottom-left) + bottom-right in float32 (tfjs's order for the broadcast's gradient).
 */
export declare function sumPool2x(heap: ArrayBuffer, dy: number, out: number, n: number, h: number, w: number, c: number, threads: number): void;
/**
 * `rows` copies of `bytes` bytes, row r from byte `src` + r·`srcStride` to `dst` + r·`dstStride` (concat and split
 * along an inner axis); chunks of rows on up to `threads` threads. Rows must not overlap.
 */
export declare function copyRows(
  heap: ArrayBuffer,
  src: number,
  srcStride: number,
  dst: number,
  dstStride: number,
  rows: number,
  bytes: number,
  threads: number,
): void;
