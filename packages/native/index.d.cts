/** True when the addon is built and this CPU can run it (x86-64 with AVX2 and FMA). */
export declare const available: boolean;
/** Why {@link available} is false; empty when it is true. */
export declare const reason: string;
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
