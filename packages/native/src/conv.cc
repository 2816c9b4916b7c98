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
// acc[6][16] = Σ_t Σ_ci a[t][r][ci] · w[t][ci][0..16) for the six pixels r, a[t][r] being pixel r's input at tap t
// (or a row of zeros where the tap falls in the padding).
__attribute__((target("avx2,fma"))) void convTile(const float* const* a, int64_t taps, int64_t inC, const float* w,
                                                  float* acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00,
         c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int64_t t = 0; t < taps; t++, a += PX) {
    const float* a0 = a[0];
    const float* a1 = a[1];
    const float* a2 = a[2];
    const float* a3 = a[3];
    const float* a4 = a[4];
    const float* a5 = a[5];
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

// c[R][16] (row stride ldc) += Σ_k p_k[r] · b[k][0..16) for r < R, p_k = rows[k] + off: R consecutive input channels
// of each pixel against a packed 16-channel panel of dy. R < 6 serves the last channels of a layer whose channel
// count is not a multiple of 6, so no work is spent on channels that do not exist.
template <int R>
__attribute__((target("avx2,fma"))) void filterTile(int64_t kb, const float* const* rows, int64_t off, const float* b,
                                                    float* c, int64_t ldc) {
  __m256 acc[R][2];
#pragma GCC unroll 6
  for (int r = 0; r < R; r++) acc[r][0] = _mm256_loadu_ps(c + r * ldc), acc[r][1] = _mm256_loadu_ps(c + r * ldc + 8);
#pragma GCC unroll 2
  for (int64_t k = 0; k < kb; k++) {
    const float* p = rows[k] + off;
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int r = 0; r < R; r++) {
      const __m256 x = _mm256_broadcast_ss(p + r);
      acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
    }
    b += CO;
  }
#pragma GCC unroll 6
  for (int r = 0; r < R; r++) _mm256_storeu_ps(c + r * ldc, acc[r][0]), _mm256_storeu_ps(c + r * ldc + 8, acc[r][1]);
}
#else
void convTile(const float* const*, int64_t, int64_t, const float*, float*) { std::abort(); }
template <int R>
void filterTile(int64_t, const float* const*, int64_t, const float*, float*, int64_t) { std::abort(); }
#endif

using FilterTileFn = void (*)(int64_t, const float* const*, int64_t, const float*, float*, int64_t);
constexpr FilterTileFn kFilterTiles[PX + 1] = {nullptr,       filterTile<1>, filterTile<2>, filterTile<3>,
                                               filterTile<4>, filterTile<5>, filterTile<6>};

// Where each tap of an output pixel reads: its input pixel, or `zeros` where the tap falls in the padding.
struct TapRows {
  const ConvShape& s;
  const float* x;
  const float* zeros;
  int64_t perImage;
  std::vector<int64_t> offset;  // float offset of each tap from the pixel's first tap, inside the input
  TapRows(const ConvShape& shape, const float* input, const float* zeroRow)
      : s(shape), x(input), zeros(zeroRow), perImage(shape.outH * shape.outW) {
    for (int64_t kh = 0; kh < s.kH; kh++)
      for (int64_t kw = 0; kw < s.kW; kw++) offset.push_back((kh * s.dH * s.inW + kw * s.dW) * s.inC);
  }
  // dst[t·stride] for every tap t of output pixel p
  void fill(int64_t p, const float** dst, int64_t stride) const {
    const int64_t n = p / perImage, i = p % perImage / s.outW, j = p % s.outW;
    const int64_t h0 = i * s.sH - s.padTop, v0 = j * s.sW - s.padLeft;
    if (h0 >= 0 && h0 + (s.kH - 1) * s.dH < s.inH && v0 >= 0 && v0 + (s.kW - 1) * s.dW < s.inW) {
      const float* base = x + ((n * s.inH + h0) * s.inW + v0) * s.inC;  // all taps inside: the common case
      for (size_t t = 0; t < offset.size(); t++) dst[t * stride] = base + offset[t];
      return;
    }
    for (int64_t kh = 0, t = 0; kh < s.kH; kh++) {
      const int64_t h = h0 + kh * s.dH;
      for (int64_t kw = 0; kw < s.kW; kw++, t++) {
        const int64_t v = v0 + kw * s.dW;
        dst[t * stride] = h < 0 || h >= s.inH || v < 0 || v >= s.inW ? zeros : x + ((n * s.inH + h) * s.inW + v) * s.inC;
      }
    }
  }
};

// Output pixels first … first + count − 1 of the whole batch, numbered image by image and row by row, in 6-pixel
// tiles against every 16-channel panel. A tile may span rows and images (each pixel has its own input and output
// address), so only the batch's last tile has idle lanes; row-by-row tiles left 5 of 12 lanes idle on 7-pixel rows
// and 4 of 18 on 14-pixel ones. A pixel's sums run over taps and channels in the same order in any tile, so the
// results are the same bits however the pixels are grouped.
void convPixels(const ConvShape& s, const TapRows& rows, const float* w, const ConvEpilogue& e, float* out,
                int64_t first, int64_t count) {
  alignas(32) float acc[PX * CO];
  const int64_t panels = (s.outC + CO - 1) / CO;
  const int64_t taps = s.kH * s.kW;
  const int64_t perImage = s.outH * s.outW;
  std::vector<const float*> a(taps * PX);
  for (int64_t p0 = first; p0 < first + count; p0 += PX) {
    const int64_t pixels = std::min<int64_t>(PX, first + count - p0);
    float* o[PX];
    const float* sb[PX];   // the pixel's row of sampleBias
    const float* res[PX];  // the pixel's residual
    // lanes past the range repeat its last pixel (computed, then not stored), so no read leaves the input
    for (int r = 0; r < PX; r++) {
      const int64_t p = p0 + std::min<int64_t>(r, pixels - 1);
      const int64_t n = p / perImage, i = p % perImage / s.outW, j = p % s.outW;
      o[r] = out + n * s.outImageStride + i * s.outRowStride + j * s.outPixelStride;
      sb[r] = e.sampleBias != nullptr ? e.sampleBias + n * s.outC : nullptr;
      res[r] = e.residual != nullptr ? e.residual + p * s.outC : nullptr;
      rows.fill(p, a.data() + r, PX);
    }
    for (int64_t q = 0; q < panels; q++) {
      convTile(a.data(), taps, s.inC, w + q * taps * s.inC * CO, acc);
      const int64_t c0 = q * CO, cols = std::min<int64_t>(CO, s.outC - c0);
      for (int64_t r = 0; r < pixels; r++) {
        float* v = acc + r * CO;
        if (e.bias != nullptr)
          for (int64_t l = 0; l < cols; l++) v[l] += e.bias[c0 + l];
        if (e.sampleBias != nullptr)
          for (int64_t l = 0; l < cols; l++) v[l] += sb[r][c0 + l];
        if (e.residual != nullptr)
          for (int64_t l = 0; l < cols; l++) v[l] = res[r][c0 + l] + v[l];
        if (e.scaled)
          for (int64_t l = 0; l < cols; l++) v[l] *= e.scale;
        std::memcpy(o[r] + c0, v, cols * sizeof(float));
      }
    }
  }
}

// Pixels per block of the filter gradient: a 16-channel dy panel of 8 KiB and the block's input rows for one tap
// stay in L1 while every (tap, channel block) of a thread's chunk runs over them.
constexpr int64_t KB = 128;

// 32-byte aligned floats in `v`, grown as needed.
float* alignedFloats(std::vector<float>& v, size_t n) {
  if (v.size() < n + 8) v.resize(n + 8);
  return reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(v.data()) + 31) & ~uintptr_t{31});
}

}  // namespace

void convFilterGrad(const ConvShape& s, const float* x, const float* dy, float* dw, int threads) {
  const int64_t taps = s.kH * s.kW;
  const int64_t pixels = s.batch * s.outH * s.outW;
  const int64_t panels = (s.outC + CO - 1) / CO;
  const int64_t blocks = (s.inC + PX - 1) / PX;  // 6-channel blocks of the input, the last one possibly narrower
  std::fill(dw, dw + taps * s.inC * s.outC, 0.0f);
  if (pixels == 0 || s.inC == 0) return;
  ThreadPool& pool = ThreadPool::shared();
  const int64_t items = taps * blocks;  // (tap, channel block) pairs: whole rows of dw
  const int parts = static_cast<int>(std::min<int64_t>({threads, pool.maxParts(), items}));
  // dy in 16-channel panels [panel][pixel][16] (zero past outC), and where each tap of each pixel reads
  // [tap][pixel], both made by all threads and shared
  thread_local std::vector<float> packStore;
  thread_local std::vector<const float*> rowStore;
  float* packed = alignedFloats(packStore, static_cast<size_t>(panels * pixels * CO));
  if (rowStore.size() < static_cast<size_t>(taps * pixels)) rowStore.resize(taps * pixels);
  const float** rows = rowStore.data();
  const std::vector<float> zeros(s.inC + PX, 0.0f);
  const TapRows tapRows(s, x, zeros.data());
  pool.forEachChunk(parts, pixels, 2048, [&](int64_t first, int64_t last) {
    for (int64_t p = first; p < last; p++) tapRows.fill(p, rows + p, pixels);
    for (int64_t q = 0; q < panels; q++) {
      const int64_t cols = std::min<int64_t>(CO, s.outC - q * CO);
      for (int64_t p = first; p < last; p++) {
        float* o = packed + (q * pixels + p) * CO;
        std::memcpy(o, dy + p * s.outC + q * CO, cols * sizeof(float));
        std::fill(o + cols, o + CO, 0.0f);
      }
    }
  });
  auto work = [&](int64_t first, int64_t last) {
    alignas(32) float tmp[PX * CO];
    for (int64_t k0 = 0; k0 < pixels; k0 += KB) {
      const int64_t kb = std::min(KB, pixels - k0);
      // one dy panel at a time against all of the chunk's rows of dw, so the panel stays in L1
      for (int64_t q = 0; q < panels; q++) {
        const int64_t cols = std::min<int64_t>(CO, s.outC - q * CO);
        const float* b = packed + (q * pixels + k0) * CO;
        for (int64_t item = first; item < last; item++) {
          const int64_t t = item / blocks, ci0 = item % blocks * PX;
          const int64_t r = std::min<int64_t>(PX, s.inC - ci0);
          const float* const* tr = rows + t * pixels + k0;
          float* c = dw + (t * s.inC + ci0) * s.outC + q * CO;
          if (cols == CO) {
            kFilterTiles[r](kb, tr, ci0, b, c, s.outC);
            continue;
          }
          for (int64_t i = 0; i < r; i++) std::memcpy(tmp + i * CO, c + i * s.outC, cols * sizeof(float));
          kFilterTiles[r](kb, tr, ci0, b, tmp, CO);
          for (int64_t i = 0; i < r; i++) std::memcpy(c + i * s.outC, tmp + i * CO, cols * sizeof(float));
        }
      }
    }
  };
  // chunks of items, each a run over all pixels (the dy panels stay in cache across a chunk's items)
  pool.forEachChunk(parts, items, std::max<int64_t>(1, items / (2 * parts)), work);
}

void conv(const ConvShape& s, const float* x, const float* w, float* out, int threads, const float* bias) {
  ConvEpilogue e;
  e.bias = bias;
  conv(s, x, w, out, threads, e);
}

void conv(const ConvShape& s, const float* x, const float* w, float* out, int threads, const ConvEpilogue& e) {
  const int64_t pixels = s.batch * s.outH * s.outW;
  if (pixels == 0 || s.outC == 0) return;
  const std::vector<float> zeros(s.inC + PX, 0.0f);
  const TapRows rows(s, x, zeros.data());
  const int64_t tiles = (pixels + PX - 1) / PX;
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), tiles}));
  // chunks of whole tiles (a few rows' worth), so a thread the OS puts aside holds up little
  ThreadPool::shared().forEachChunk(parts, tiles, std::max<int64_t>(1, tiles / (8 * parts)), [&](int64_t first, int64_t last) {
    convPixels(s, rows, w, e, out, first * PX, std::min(pixels, last * PX) - first * PX);
  });
}

}  // namespace scorekit
