// Candidate filters over a block of float32 inner products, compiled to WebAssembly by build-wasm.sh.
//
// k-NN precision/recall compares every one of n² squared distances ‖x‖² + ‖y‖² − 2xᵀy with per-row and
// per-column thresholds, and almost every comparison says "too far". Written in JavaScript that test costs
// 3.5 ns a distance (2 × 10⁸ of them for 10 000 vs 10 000 samples); with 128-bit SIMD here it is ~0.3 ns. Only the
// few distances that pass are handed back, as flat indices i·w + j in row-major order, for JavaScript to decide
// exactly. Each distance is formed as (a + b) − 2·g in float64, the same operations in the same order as the
// JavaScript that re-checks it, so both sides agree on every comparison.
//
// No libc: the caller lays out its buffers from __heap_base and grows the memory itself.
#include <stdint.h>
#include <wasm_simd128.h>

// Distances of the block's row i to columns j0..j0+3, as two f64x2: (a + b[j]) − 2·g[j].
static inline void distances4(const float* g, double a, const double* b, v128_t* lo, v128_t* hi) {
  const v128_t gv = wasm_v128_load(g);
  const v128_t av = wasm_f64x2_splat(a);
  const v128_t two = wasm_f64x2_splat(2.0);
  const v128_t g01 = wasm_f64x2_promote_low_f32x4(gv);
  const v128_t g23 = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(gv, gv, 2, 3, 0, 1));
  *lo = wasm_f64x2_sub(wasm_f64x2_add(av, wasm_v128_load(b)), wasm_f64x2_mul(two, g01));
  *hi = wasm_f64x2_sub(wasm_f64x2_add(av, wasm_v128_load(b + 2)), wasm_f64x2_mul(two, g23));
}

// Appends the flat indices of the set bits of a 4-lane mask (lane t is column j + t of row i).
static inline int32_t append4(uint32_t mask, int32_t flat, int32_t* out, int32_t count) {
  for (int32_t t = 0; t < 4; t++)
    if (mask & (1u << t)) out[count++] = flat + t;
  return count;
}

// Nearest-neighbour candidates within one set, over rows row0..row1−1 of the block: the distance
// d = (rowNorm[i] + colNorm[j]) − 2·g[i·w + j] is a candidate when d < rowWorst[i] or d < colWorst[j] (it could
// enter either row's list of nearest). With `diagonal` (a block on the diagonal of a symmetric matrix) only j ≥ i
// is visited. Returns the count written.
__attribute__((export_name("near_candidates"))) int32_t near_candidates(const float* g, int32_t row0, int32_t row1,
                                                                        int32_t w, const double* rowNorm,
                                                                        const double* rowWorst,
                                                                        const double* colNorm,
                                                                        const double* colWorst, int32_t diagonal,
                                                                        int32_t* out) {
  int32_t count = 0;
  for (int32_t i = row0; i < row1; i++) {
    const float* gi = g + (int64_t)i * w;
    const double a = rowNorm[i];
    const double worst = rowWorst[i];
    const v128_t rowW = wasm_f64x2_splat(worst);
    int32_t j = diagonal ? i : 0;
    for (; j + 4 <= w; j += 4) {
      v128_t lo, hi;
      distances4(gi + j, a, colNorm + j, &lo, &hi);
      const v128_t keepLo = wasm_v128_or(wasm_f64x2_lt(lo, rowW), wasm_f64x2_lt(lo, wasm_v128_load(colWorst + j)));
      const v128_t keepHi =
          wasm_v128_or(wasm_f64x2_lt(hi, rowW), wasm_f64x2_lt(hi, wasm_v128_load(colWorst + j + 2)));
      const uint32_t mask = wasm_i64x2_bitmask(keepLo) | (wasm_i64x2_bitmask(keepHi) << 2);
      if (mask != 0) count = append4(mask, i * w + j, out, count);
    }
    for (; j < w; j++) {
      const double d = (a + colNorm[j]) - 2.0 * (double)gi[j];
      if (d < worst || d < colWorst[j]) out[count++] = i * w + j;
    }
  }
  return count;
}

// Cross-set candidates: with low = (rowLow[i] + colLow[j]) − 2·g[i·w + j] a lower bound of the distance, a pair is
// a candidate unless low > rowRadius[i] and low > colRadius[j] (outside both balls for certain).
__attribute__((export_name("cross_candidates"))) int32_t cross_candidates(const float* g, int32_t h, int32_t w,
                                                                          const double* rowLow,
                                                                          const double* rowRadius,
                                                                          const double* colLow,
                                                                          const double* colRadius,
                                                                          int32_t* out) {
  int32_t count = 0;
  for (int32_t i = 0; i < h; i++) {
    const float* gi = g + (int64_t)i * w;
    const double a = rowLow[i];
    const double radius = rowRadius[i];
    const v128_t rowR = wasm_f64x2_splat(radius);
    int32_t j = 0;
    for (; j + 4 <= w; j += 4) {
      v128_t lo, hi;
      distances4(gi + j, a, colLow + j, &lo, &hi);
      const v128_t outLo = wasm_v128_and(wasm_f64x2_gt(lo, rowR), wasm_f64x2_gt(lo, wasm_v128_load(colRadius + j)));
      const v128_t outHi =
          wasm_v128_and(wasm_f64x2_gt(hi, rowR), wasm_f64x2_gt(hi, wasm_v128_load(colRadius + j + 2)));
      const uint32_t mask = (wasm_i64x2_bitmask(outLo) | (wasm_i64x2_bitmask(outHi) << 2)) ^ 15u;
      if (mask != 0) count = append4(mask, i * w + j, out, count);
    }
    for (; j < w; j++) {
      const double low = (a + colLow[j]) - 2.0 * (double)gi[j];
      if (!(low > radius && low > colRadius[j])) out[count++] = i * w + j;
    }
  }
  return count;
}
