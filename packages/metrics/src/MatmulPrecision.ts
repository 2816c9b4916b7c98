/**
 * How the large matrix products of FID, precision/recall and KID run. `float64`: plain JS loops in double
 * precision (exact reference behaviour, slow beyond a few hundred features). `float32`: TensorFlow.js matMul on
 * the active backend (scorekit's GEMM on wasm) in chunks whose results are summed, compared or corrected in float64.
 * `auto` (the default everywhere): float64 while a product is small (< 2^26 multiply-adds), float32 above.
 *
 * @example
 * fid(real, fake, { matmul: 'float64' }); // slow, bit-for-bit reference arithmetic
 */
export type MatmulPrecision = 'auto' | 'float32' | 'float64';

/** The allowed {@link MatmulPrecision} values. */
export const MATMUL_PRECISIONS: readonly MatmulPrecision[] = ['auto', 'float32', 'float64'];
