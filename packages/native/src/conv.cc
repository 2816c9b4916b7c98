#include "conv.h"

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

constexpr int PX = 6;   // output pixels per tile
constexpr int CO = 16;  // output channels per tile (two ymm)

#ifdef SCOREKIT_X64
// acc[6][16] = Σ_t Σ_ci a_r[tap[t] + ci] · w[t][ci][0..16) for the six pixel bases a_r.
__attribute__((target("avx2,fma"))) void convTile(const float* const* a, const int64_t* tap, int64_t taps, int64_t inC,
                                                  const float* w, float* acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00,
         c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int64_t t = 0; t < taps; t++) {
    const float* a0 = a[0] + tap[t];
    const float* a1 = a[1] + tap[t];
    const float* a2 = a[2] + tap[t];
    const float* a3 = a[3] + tap[t];
    const float* a4 = a[4] + tap[t];
    const float* a5 = a[5] + tap[t];
#pragma GCC unroll 4
    for (int64_t ci = 0; ci < inC; ci++) {
      const __m256 b0 = _mm256_loadu_ps(w), b1 = _mm256_loadu_ps(w + 8);
      __m256 x = _mm256_broadcast_ss(a0 + ci);
      c00 = _mm256_fmadd_ps(x, b0, c00), c01 = _mm256_fmadd_ps(x, b1, c01);
      x = _mm256_broadcast_ss(a1 + ci);
      c10 = _mm256_fmadd_ps(x, b0, c10), c11 = _mm256_fmadd_ps(x, b1, c11);
      x = _mm256_broadcast_ss(a2 + ci);
      c20 = _mm256_fmadd_ps(x, b0, c20), c21 = _mm256_fmadd_ps(x, b1, c21);
      x = _mm256_broadcast_ss(a3 + ci);
      c30 = _mm256_fmadd_ps(x, b0, c30), c31 = _mm256_fmadd_ps(x, b1, c31);
      x = _mm256_broadcast_ss(a4 + ci);
      c40 = _mm256_fmadd_ps(x, b0, c40), c41 = _mm256_fmadd_ps(x, b1, c41);
      x = _mm256_broadcast_ss(a5 + ci);
      c50 = _mm256_fmadd_ps(x, b0, c50), c51 = _mm256_fmadd_ps(x, b1, c51);
      w += CO;
    }
  }
  _mm256_storeu_ps(acc + 0, c00), _mm256_storeu_ps(acc + 8, c01);
  _mm256_storeu_ps(acc + 16, c10), _mm256_storeu_ps(acc + 24, c11);
  _mm256_storeu_ps(acc + 32, c20), _mm256_storeu_ps(acc + 40, c21);
  _mm256_storeu_ps(acc + 48, c30), _mm256_storeu_ps(acc + 56, c31);
  _mm256_storeu_ps(acc + 64, c40), _mm256_storeu_ps(acc + 72, c41);
  _mm256_storeu_ps(acc + 80, c50), _mm256_storeu_ps(acc + 88, c51);
}

// c[6][16] (row stride ldc) += Σ_k base[k][r] · b[k][0..16) for r < 6: six consecutive input channels of each
// pixel k against a packed 16-channel panel of dy.
__attribute__((target("avx2,fma"))) void filterTile(int64_t kb, const float* const* base, const float* b, float* c,
                                                    int64_t ldc) {
  __m256 c00 = _mm256_loadu_ps(c), c01 = _mm256_loadu_ps(c + 8);
  __m256 c10 = _mm256_loadu_ps(c + ldc), c11 = _mm256_loadu_ps(c + ldc + 8);
  __m256 c20 = _mm256_loadu_ps(c + 2 * ldc), c21 = _mm256_loadu_ps(c + 2 * ldc + 8);
  __m256 c30 = _mm256_loadu_ps(c + 3 * ldc), c31 = _mm256_loadu_ps(c + 3 * ldc + 8);
  __m256 c40 = _mm256_loadu_ps(c + 4 * ldc), c41 = _mm256_loadu_ps(c + 4 * ldc + 8);
  __m256 c50 = _mm256_loadu_ps(c + 5 * ldc), c51 = _mm256_loadu_ps(c + 5 * ldc + 8);
#pragma GCC unroll 4
  for (int64_t k = 0; k < kb; k++) {
    const float* p = base[k];
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    __m256 x = _mm256_broadcast_ss(p);
    c00 = _mm256_fmadd_ps(x, b0, c00), c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(p + 1);
    c10 = _mm256_fmadd_ps(x, b0, c10), c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(p + 2);
    c20 = _mm256_fmadd_ps(x, b0, c20), c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(p + 3);
    c30 = _mm256_fmadd_ps(x, b0, c30), c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(p + 4);
    c40 = _mm256_fmadd_ps(x, b0, c40), c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(p + 5);
    c50 = _mm256_fmadd_ps(x, b0, c50), c51 = _mm256_fmadd_ps(x, b1, c51);
    b += CO;
  }
  _mm256_storeu_ps(c, c00), _mm256_storeu_ps(c + 8, c01);
  _mm256_storeu_ps(c + ldc, c10), _mm256_storeu_ps(c + ldc + 8, c11);
  _mm256_storeu_ps(c + 2 * ldc, c20), _mm256_storeu_ps(c + 2 * ldc + 8, c21);
  _mm256_storeu_ps(c + 3 * ldc, c30), _mm256_storeu_ps(c + 3 * ldc + 8, c31);
  _mm256_storeu_ps(c + 4 * ldc, c40), _mm256_storeu_ps(c + 4 * ldc + 8, c41);
  _mm256_storeu_ps(c + 5 * ldc, c50), _mm256_storeu_ps(c + 5 * ldc + 8, c51);
}
#else
void convTile(const float* const*, const int64_t*, int64_t, int64_t, const float*, float*) { std::abort(); }
void filterTile(int64_t, const float* const*, const float*, float*, int64_t) { std::abort(); }
#endif

// Output pixels first … first + count − 1 of the whole batch, numbered image by image and row by row, in 6-pixel
// tiles against every 16-channel panel. A tile may span rows and images (each pixel has its own input and output
// address), so only the batch's last tile has idle lanes; row-by-row tiles left 5 of 12 lanes idle on 7-pixel rows
// and 4 of 18 on 14-pixel ones. A pixel's sums run over taps and channels in the same order in any tile, so the
// results are the same bits however the pixels are grouped.
void convPixels(const ConvShape& s, const float* x, const float* w, float* out, const std::vector<int64_t>& tap,
                int64_t first, int64_t count) {
  alignas(32) float acc[PX * CO];
  const int64_t panels = (s.outC + CO - 1) / CO;
  const int64_t taps = s.kH * s.kW;
  const int64_t perImage = s.outH * s.outW;
  for (int64_t p0 = first; p0 < first + count; p0 += PX) {
    const int64_t pixels = std::min<int64_t>(PX, first + count - p0);
    const float* a[PX];
    float* o[PX];
    // lanes past the range repeat its last pixel (computed, then not stored), so no read leaves the input
    for (int r = 0; r < PX; r++) {
      const int64_t p = p0 + std::min<int64_t>(r, pixels - 1);
      const int64_t n = p / perImage, i = p % perImage / s.outW, j = p % s.outW;
      a[r] = x + ((n * s.paddedH + i * s.sH) * s.paddedW + j * s.sW) * s.inC;
      o[r] = out + n * s.outImageStride + i * s.outRowStride + j * s.outPixelStride;
    }
    for (int64_t q = 0; q < panels; q++) {
      convTile(a, tap.data(), taps, s.inC, w + q * taps * s.inC * CO, acc);
      const int64_t cols = std::min<int64_t>(CO, s.outC - q * CO);
      for (int64_t r = 0; r < pixels; r++) std::memcpy(o[r] + q * CO, acc + r * CO, cols * sizeof(float));
    }
  }
}

constexpr int64_t KB = 256;  // pixels per block: a 16-channel dy panel of 16 KiB stays in L1

// Float offsets of the taps (kh, kw) from a pixel's first input element in the padded input.
std::vector<int64_t> tapOffsets(const ConvShape& s) {
  std::vector<int64_t> tap;
  for (int64_t kh = 0; kh < s.kH; kh++)
    for (int64_t kw = 0; kw < s.kW; kw++) tap.push_back((kh * s.dH * s.paddedW + kw * s.dW) * s.inC);
  return tap;
}

}  // namespace

void convFilterGrad(const ConvShape& s, const float* x, const float* dy, float* dw, int threads) {
  const int64_t taps = s.kH * s.kW;
  const int64_t pixels = s.batch * s.outH * s.outW;
  const int64_t panels = (s.outC + CO - 1) / CO;
  const int64_t blocks = (s.inC + PX - 1) / PX;  // 6-channel blocks of the input
  std::fill(dw, dw + taps * s.inC * s.outC, 0.0f);
  if (pixels == 0) return;
  // dy in 16-channel panels [panel][pixel][16] (zero past outC), and each pixel's first input element, both
  // shared by all threads
  std::vector<float> storage(static_cast<size_t>(panels * pixels * CO) + 8);
  float* packed = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(storage.data()) + 31) & ~uintptr_t{31});
  std::vector<const float*> base(pixels);
  for (int64_t p = 0; p < pixels; p++) {
    const int64_t n = p / (s.outH * s.outW), i = p / s.outW % s.outH, j = p % s.outW;
    base[p] = x + ((n * s.paddedH + i * s.sH) * s.paddedW + j * s.sW) * s.inC;
    for (int64_t q = 0; q < panels; q++) {
      const int64_t cols = std::min<int64_t>(CO, s.outC - q * CO);
      float* o = packed + (q * pixels + p) * CO;
      std::memcpy(o, dy + p * s.outC + q * CO, cols * sizeof(float));
      std::fill(o + cols, o + CO, 0.0f);
    }
  }
  const std::vector<int64_t> tap = tapOffsets(s);
  // items: (tap, channel block) pairs, whole rows of dw
  const int64_t items = taps * blocks;
  auto work = [&](int64_t first, int64_t last) {
    std::vector<const float*> shifted(KB);
    alignas(32) float tmp[PX * CO];
    for (int64_t k0 = 0; k0 < pixels; k0 += KB) {
      const int64_t kb = std::min(KB, pixels - k0);
      for (int64_t item = first; item < last; item++) {
        const int64_t t = item / blocks, ci0 = item % blocks * PX;
        const int64_t rows = std::min<int64_t>(PX, s.inC - ci0);
        for (int64_t k = 0; k < kb; k++) shifted[k] = base[k0 + k] + tap[t] + ci0;
        for (int64_t q = 0; q < panels; q++) {
          const int64_t cols = std::min<int64_t>(CO, s.outC - q * CO);
          float* c = dw + (t * s.inC + ci0) * s.outC + q * CO;
          const float* b = packed + (q * pixels + k0) * CO;
          if (rows == PX && cols == CO) {
            filterTile(kb, shifted.data(), b, c, s.outC);
            continue;
          }
          std::fill(tmp, tmp + PX * CO, 0.0f);
          for (int64_t r = 0; r < rows; r++) std::memcpy(tmp + r * CO, c + r * s.outC, cols * sizeof(float));
          filterTile(kb, shifted.data(), b, tmp, CO);
          for (int64_t r = 0; r < rows; r++) std::memcpy(c + r * s.outC, tmp + r * CO, cols * sizeof(float));
        }
      }
    }
  };
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), items}));
  // chunks of items, each a run over all pixels (the dy panels stay in cache across a chunk's items)
  ThreadPool::shared().forEachChunk(parts, items, std::max<int64_t>(1, items / (4 * parts)), work);
}

void conv(const ConvShape& s, const float* x, const float* w, float* out, int threads) {
  const int64_t pixels = s.batch * s.outH * s.outW;
  if (pixels == 0 || s.outC == 0) return;
  const std::vector<int64_t> tap = tapOffsets(s);
  const int64_t tiles = (pixels + PX - 1) / PX;
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), tiles}));
  // chunks of whole tiles (a few rows' worth), so a thread the OS puts aside holds up little
  ThreadPool::shared().forEachChunk(parts, tiles, std::max<int64_t>(1, tiles / (8 * parts)), [&](int64_t first, int64_t last) {
    convPixels(s, x, w, out, tap, first * PX, std::min(pixels, last * PX) - first * PX);
  });
}

}  // namespace scorekit
