// Goto & van de Geijn's layered GEMM (2008, "Anatomy of high-performance matrix multiplication"), as BLIS
// organises it: B is packed into 16-column panels per (NC, KC) block, A into 6-row panels per (MC, KC) block, and a
// 6×16 register tile (12 ymm accumulators, two FMA pipes with latency 4–5 each kept busy) does the arithmetic.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "threadPool.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define SCOREKIT_X64 1
#endif

namespace scorekit {
namespace {

constexpr int MR = 6;
constexpr int NR = 16;
constexpr int KC = 256;   // a 16-column B panel of KC rows is 16 KiB: stays in L1 while the A panels stream by
constexpr int MC = 144;   // a packed A block of MC×KC is 144 KiB: stays in L2
constexpr int NC = 4080;  // packed B block of NC×KC at most 4 MiB
constexpr int64_t kMinParallelFlops = 1 << 21;

enum class Init { Zero, Load, Bias };

#ifdef SCOREKIT_X64
__attribute__((target("avx2,fma"))) void tile(int kc, const float* a, const float* b, float* c, int64_t ldc, Init init,
                                                const float* bias) {
  __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  if (init == Init::Load) {
    c00 = _mm256_loadu_ps(c + 0 * ldc), c01 = _mm256_loadu_ps(c + 0 * ldc + 8);
    c10 = _mm256_loadu_ps(c + 1 * ldc), c11 = _mm256_loadu_ps(c + 1 * ldc + 8);
    c20 = _mm256_loadu_ps(c + 2 * ldc), c21 = _mm256_loadu_ps(c + 2 * ldc + 8);
    c30 = _mm256_loadu_ps(c + 3 * ldc), c31 = _mm256_loadu_ps(c + 3 * ldc + 8);
    c40 = _mm256_loadu_ps(c + 4 * ldc), c41 = _mm256_loadu_ps(c + 4 * ldc + 8);
    c50 = _mm256_loadu_ps(c + 5 * ldc), c51 = _mm256_loadu_ps(c + 5 * ldc + 8);
  } else if (init == Init::Bias) {
    c00 = c10 = c20 = c30 = c40 = c50 = _mm256_loadu_ps(bias);
    c01 = c11 = c21 = c31 = c41 = c51 = _mm256_loadu_ps(bias + 8);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps();
  }
#pragma GCC unroll 4
  for (int k = 0; k < kc; k++) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    __m256 x = _mm256_broadcast_ss(a + 0);
    c00 = _mm256_fmadd_ps(x, b0, c00), c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(x, b0, c10), c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(x, b0, c20), c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(x, b0, c30), c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(x, b0, c40), c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(x, b0, c50), c51 = _mm256_fmadd_ps(x, b1, c51);
    a += MR;
    b += NR;
  }
  _mm256_storeu_ps(c + 0 * ldc, c00), _mm256_storeu_ps(c + 0 * ldc + 8, c01);
  _mm256_storeu_ps(c + 1 * ldc, c10), _mm256_storeu_ps(c + 1 * ldc + 8, c11);
  _mm256_storeu_ps(c + 2 * ldc, c20), _mm256_storeu_ps(c + 2 * ldc + 8, c21);
  _mm256_storeu_ps(c + 3 * ldc, c30), _mm256_storeu_ps(c + 3 * ldc + 8, c31);
  _mm256_storeu_ps(c + 4 * ldc, c40), _mm256_storeu_ps(c + 4 * ldc + 8, c41);
  _mm256_storeu_ps(c + 5 * ldc, c50), _mm256_storeu_ps(c + 5 * ldc + 8, c51);
}
#else
void tile(int, const float*, const float*, float*, int64_t, Init, const float*) { std::abort(); }
#endif

inline float at(const MatrixView& v, int64_t i, int64_t j) {
  float x;
  std::memcpy(&x, v.p + i * v.rs + j * v.cs, sizeof x);
  return x;
}

// B[k0:k0+kb, j0:j0+nb] into 16-column panels, each kb×16 row-major, zero beyond the last column.
void packB(const MatrixView& B, int k0, int kb, int j0, int nb, float* out) {
  for (int q = 0; q * NR < nb; q++) {
    float* o = out + static_cast<int64_t>(q) * kb * NR;
    const int j = j0 + q * NR;
    const int cols = std::min(NR, j0 + nb - j);
    for (int k = 0; k < kb; k++, o += NR) {
      const uint8_t* row = B.p + static_cast<int64_t>(k0 + k) * B.rs + static_cast<int64_t>(j) * B.cs;
      if (B.cs == 4 && cols == NR) {
        std::memcpy(o, row, NR * sizeof(float));
        continue;
      }
      for (int c = 0; c < cols; c++) std::memcpy(o + c, row + static_cast<int64_t>(c) * B.cs, sizeof(float));
      std::fill(o + cols, o + NR, 0.0f);
    }
  }
}

// A[i0:i0+mb, k0:k0+kb] into 6-row panels, each kb×6 (k-major), zero beyond the last row.
void packA(const MatrixView& A, int i0, int mb, int k0, int kb, float* out) {
  for (int q = 0; q * MR < mb; q++) {
    float* o = out + static_cast<int64_t>(q) * kb * MR;
    const int r0 = i0 + q * MR;
    const int rows = std::min(MR, i0 + mb - r0);
    if (A.rs == 4) {  // a transposed operand: the panel's rows are contiguous for each k
      for (int k = 0; k < kb; k++) {
        std::memcpy(o + k * MR, A.p + static_cast<int64_t>(r0) * 4 + static_cast<int64_t>(k0 + k) * A.cs, rows * 4);
        std::fill(o + k * MR + rows, o + (k + 1) * MR, 0.0f);
      }
      continue;
    }
    for (int r = 0; r < rows; r++) {
      if (A.cs == 4) {
        const float* src = reinterpret_cast<const float*>(A.p + static_cast<int64_t>(r0 + r) * A.rs) + k0;
        for (int k = 0; k < kb; k++) o[k * MR + r] = src[k];
      } else {
        for (int k = 0; k < kb; k++) o[k * MR + r] = at(A, r0 + r, k0 + k);
      }
    }
    for (int r = rows; r < MR; r++)
      for (int k = 0; k < kb; k++) o[k * MR + r] = 0.0f;
  }
}

// 32-byte aligned float scratch, reused by each thread across calls.
struct Scratch {
  std::vector<float> storage;
  float* get(size_t floats) {
    if (storage.size() < floats + 8) storage.resize(floats + 8);
    return reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(storage.data()) + 31) & ~uintptr_t{31});
  }
};

// One packed B block (kb×nb, panels of 16 columns) times rows [i0, i1) of A's columns k0..k0+kb: packs A by MC
// rows and runs the register tile over the block, edges through a small buffer.
void macroBlock(int i0, int i1, int jc, int nb, int k0, int kb, const MatrixView& A, const float* pB, float* C,
                int64_t ldc, Init init, const float* paddedBias) {
  thread_local Scratch sa;
  float* pA = sa.get(static_cast<size_t>(MC) * kb);
  alignas(32) float tmp[MR * NR];
  const int panels = (nb + NR - 1) / NR;
  for (int ic = i0; ic < i1; ic += MC) {
    const int mb = std::min(MC, i1 - ic);
    packA(A, ic, mb, k0, kb, pA);
    for (int q = 0; q < panels; q++) {
      const int cols = std::min(NR, nb - q * NR);
      const float* b = pB + static_cast<int64_t>(q) * kb * NR;
      const float* qb = paddedBias != nullptr ? paddedBias + q * NR : nullptr;
      for (int r = 0; r < mb; r += MR) {
        const int rows = std::min(MR, mb - r);
        const float* a = pA + static_cast<int64_t>(r / MR) * kb * MR;
        float* c = C + static_cast<int64_t>(ic + r) * ldc + jc + q * NR;
        if (rows == MR && cols == NR) {
          tile(kb, a, b, c, ldc, init, qb);
          continue;
        }
        // an edge tile: computed whole in tmp, only the part inside C copied back
        if (init == Init::Load)
          for (int x = 0; x < rows; x++) std::memcpy(tmp + x * NR, c + x * ldc, cols * sizeof(float));
        tile(kb, a, b, tmp, NR, init, qb);
        for (int x = 0; x < rows; x++) std::memcpy(c + x * ldc, tmp + x * NR, cols * sizeof(float));
      }
    }
  }
}

// The bias for columns [jc, jc + nb), zero-padded to whole panels.
const float* padBias(const float* bias, int jc, int nb, std::vector<float>& out) {
  if (bias == nullptr) return nullptr;
  out.assign(static_cast<size_t>(nb + NR - 1) / NR * NR, 0.0f);
  std::memcpy(out.data(), bias + jc, nb * sizeof(float));
  return out.data();
}

// For each (NC columns, KC rows) block of B within columns [j0, j1): packs it (on the calling thread) and calls
// run(jc, nb, k0, kb, packed, init, paddedBias) — the one loop behind a whole product and a row-split one.
template <typename Run>
void forEachBBlock(int j0, int j1, int K, const MatrixView& B, const float* bias, Run run) {
  thread_local Scratch sb;
  thread_local std::vector<float> biasBuffer;
  float* pB = sb.get(static_cast<size_t>(std::min(NC, (j1 - j0 + NR - 1) / NR * NR)) * std::min(K, KC));
  for (int jc = j0; jc < j1; jc += NC) {
    const int nb = std::min(NC, j1 - jc);
    const float* qb = padBias(bias, jc, nb, biasBuffer);
    for (int k0 = 0; k0 < K; k0 += KC) {
      const int kb = std::min(KC, K - k0);
      packB(B, k0, kb, jc, nb, pB);
      run(jc, nb, k0, kb, static_cast<const float*>(pB), k0 > 0 ? Init::Load : bias != nullptr ? Init::Bias : Init::Zero, qb);
    }
  }
}

// C[i0:i1, j0:j1] computed whole (all of K) by the calling thread.
void gemmBlock(int i0, int i1, int j0, int j1, int K, const MatrixView& A, const MatrixView& B, float* C,
               int64_t ldc, const float* bias) {
  forEachBBlock(j0, j1, K, B, bias, [&](int jc, int nb, int k0, int kb, const float* pB, Init init, const float* qb) {
    macroBlock(i0, i1, jc, nb, k0, kb, A, pB, C, ldc, init, qb);
  });
}

// Tiles per hand-out when `parts` threads share `tiles`: about four chunks per thread.
int tilesPerChunk(int tiles, int parts) { return std::max(1, (tiles + 4 * parts - 1) / (4 * parts)); }

// Products with at most 4 columns and a row-major A (a network's output layer): a 16-column register tile would
// spend 75–94 % of its work on padding, so each output is a dot product of A's row with a column of B, 8 lanes and
// 4 accumulators wide.
constexpr int kNarrow = 4;

#ifdef SCOREKIT_X64
__attribute__((target("avx2,fma"))) float dot(const float* a, const float* b, int K) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  int k = 0;
  for (; k + 32 <= K; k += 32) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(b + k + 8), s1);
    s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 16), _mm256_loadu_ps(b + k + 16), s2);
    s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 24), _mm256_loadu_ps(b + k + 24), s3);
  }
  for (; k + 8 <= K; k += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), s0);
  const __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
  float total = _mm_cvtss_f32(h);
  for (; k < K; k++) total += a[k] * b[k];
  return total;
}
#else
float dot(const float*, const float*, int) { std::abort(); }
#endif

// C rows [i0, i1) for N ≤ 4 columns of B transposed into bt (N rows of K).
void narrowRows(int i0, int i1, int N, int K, const MatrixView& A, const float* bt, float* C, int64_t ldc,
                const float* bias) {
  for (int i = i0; i < i1; i++) {
    const float* a = reinterpret_cast<const float*>(A.p + static_cast<int64_t>(i) * A.rs);
    for (int j = 0; j < N; j++) C[i * ldc + j] = dot(a, bt + static_cast<int64_t>(j) * K, K) + (bias ? bias[j] : 0.0f);
  }
}

}  // namespace

bool gemmSupported() {
#ifdef SCOREKIT_X64
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

void gemm(int M, int N, int K, const MatrixView& A, const MatrixView& B, float* C, int64_t ldc, const float* bias,
          int threads) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) C[i * ldc + j] = bias != nullptr ? bias[j] : 0.0f;
    return;
  }
  const int64_t flops = 2LL * M * N * K;
  if (N <= kNarrow && A.cs == 4) {
    std::vector<float> bt(static_cast<size_t>(N) * K);
    for (int j = 0; j < N; j++)
      for (int k = 0; k < K; k++) std::memcpy(&bt[static_cast<size_t>(j) * K + k], B.p + k * B.rs + j * B.cs, sizeof(float));
    const int parts = flops < kMinParallelFlops ? 1 : std::min(threads, ThreadPool::shared().maxParts());
    ThreadPool::shared().forEachChunk(parts, M, 64, [&](int64_t first, int64_t last) {
      narrowRows(static_cast<int>(first), static_cast<int>(last), N, K, A, bt.data(), C, ldc, bias);
    });
    return;
  }
  const int rowTiles = (M + MR - 1) / MR;
  const int colTiles = (N + NR - 1) / NR;
  const bool byRows = rowTiles >= colTiles;
  const int tiles = byRows ? rowTiles : colTiles;
  int parts = std::min({threads, ThreadPool::shared().maxParts(), tiles});
  if (flops < kMinParallelFlops) parts = 1;
  if (parts <= 1) {
    gemmBlock(0, M, 0, N, K, A, B, C, ldc, bias);
    return;
  }
  ThreadPool& pool = ThreadPool::shared();
  const int per = tilesPerChunk(tiles, parts);
  if (!byRows) {  // few rows, many columns: each chunk of columns is a whole product of its own
    pool.forEachChunk(parts, colTiles, per, [&](int64_t first, int64_t last) {
      gemmBlock(0, M, static_cast<int>(first) * NR, std::min<int>(N, static_cast<int>(last) * NR), K, A, B, C, ldc, bias);
    });
    return;
  }
  // many rows: each B block is packed once, by this thread, and shared; the threads take chunks of rows
  forEachBBlock(0, N, K, B, bias, [&](int jc, int nb, int k0, int kb, const float* pB, Init init, const float* qb) {
    pool.forEachChunk(parts, rowTiles, per, [&](int64_t first, int64_t last) {
      macroBlock(static_cast<int>(first) * MR, std::min<int>(M, static_cast<int>(last) * MR), jc, nb, k0, kb, A, pB, C,
                 ldc, init, qb);
    });
  });
}

}  // namespace scorekit
