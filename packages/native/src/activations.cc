// σ(x) = 1 / (1 + e^{−x}) with e^{−x} by range reduction: −x = n·ln 2 + r, |r| ≤ ln 2 / 2, e^r by its degree-6
// Taylor polynomial (truncation r⁷/7! ≤ 1.2e-7 relative), 2^n by building the exponent bits. σ is set to 0 below
// x = −88.3 (where e^{−x} would overflow float32), so x·σ(x) is NaN at −∞ as x·sigmoid(x) is in torch and tfjs;
// 1 − σ is formed as e^{−x}·σ, exact where σ is close to 1.
#include "activations.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "threadPool.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define SCOREKIT_X64 1
#endif

namespace scorekit {
namespace {

#ifdef SCOREKIT_X64
// U vectors side by side: one vector's chain (clamp, round, 8 FMAs, division) is ~60 cycles of latency, more than
// the out-of-order window covers, so each step is written across U independent vectors to overlap their chains.
template <int U>
__attribute__((target("avx2,fma"), always_inline)) inline void applyVectors(Activation f, const __m256* x, __m256* y) {
  const __m256 limit = _mm256_set1_ps(88.3f), negLimit = _mm256_set1_ps(-88.3f), one = _mm256_set1_ps(1.0f);
  __m256 t[U], n[U], r[U], p[U], e[U], s[U];
  // −x clamped to ±88.3; a NaN x becomes 88.3 here and comes back as NaN through the products with x below
  for (int u = 0; u < U; u++) t[u] = _mm256_min_ps(_mm256_max_ps(_mm256_sub_ps(_mm256_setzero_ps(), x[u]), negLimit), limit);
  for (int u = 0; u < U; u++)
    n[u] = _mm256_round_ps(_mm256_mul_ps(t[u], _mm256_set1_ps(1.44269504088896341f)),
                           _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  for (int u = 0; u < U; u++) r[u] = _mm256_fnmadd_ps(n[u], _mm256_set1_ps(0.693359375f), t[u]);  // ln 2 in two parts: n·hi is exact
  for (int u = 0; u < U; u++) r[u] = _mm256_fnmadd_ps(n[u], _mm256_set1_ps(-2.12194440e-4f), r[u]);
  for (int u = 0; u < U; u++) p[u] = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 720), r[u], _mm256_set1_ps(1.0f / 120));
  for (int u = 0; u < U; u++) p[u] = _mm256_fmadd_ps(p[u], r[u], _mm256_set1_ps(1.0f / 24));
  for (int u = 0; u < U; u++) p[u] = _mm256_fmadd_ps(p[u], r[u], _mm256_set1_ps(1.0f / 6));
  for (int u = 0; u < U; u++) p[u] = _mm256_fmadd_ps(p[u], r[u], _mm256_set1_ps(0.5f));
  for (int u = 0; u < U; u++) p[u] = _mm256_fmadd_ps(p[u], r[u], one);
  for (int u = 0; u < U; u++) p[u] = _mm256_fmadd_ps(p[u], r[u], one);
  for (int u = 0; u < U; u++) {
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n[u]), _mm256_set1_epi32(127)), 23);
    e[u] = _mm256_mul_ps(p[u], _mm256_castsi256_ps(bits));  // e^{−x}
  }
  for (int u = 0; u < U; u++) s[u] = _mm256_div_ps(one, _mm256_add_ps(one, e[u]));
  for (int u = 0; u < U; u++) s[u] = _mm256_andnot_ps(_mm256_cmp_ps(x[u], negLimit, _CMP_LT_OQ), s[u]);
  if (f == Activation::Silu) {
    for (int u = 0; u < U; u++) y[u] = _mm256_mul_ps(x[u], s[u]);
    return;
  }
  for (int u = 0; u < U; u++) {
    const __m256 oneMinus = _mm256_mul_ps(e[u], s[u]);
    y[u] = _mm256_mul_ps(s[u], _mm256_fmadd_ps(x[u], oneMinus, one));
  }
}

template <Activation F>
__attribute__((target("avx2,fma"))) void activateRange(const float* src, float* dst, int64_t count) {
  constexpr int U = 4;
  int64_t i = 0;
  for (; i + 8 * U <= count; i += 8 * U) {
    __m256 x[U], y[U];
    for (int u = 0; u < U; u++) x[u] = _mm256_loadu_ps(src + i + 8 * u);
    applyVectors<U>(F, x, y);
    for (int u = 0; u < U; u++) _mm256_storeu_ps(dst + i + 8 * u, y[u]);
  }
  for (; i + 8 <= count; i += 8) {
    __m256 x = _mm256_loadu_ps(src + i), y;
    applyVectors<1>(F, &x, &y);
    _mm256_storeu_ps(dst + i, y);
  }
  if (i < count) {  // the last count mod 8 values through a whole vector in a buffer
    alignas(32) float tail[8] = {0};
    std::memcpy(tail, src + i, (count - i) * sizeof(float));
    __m256 x = _mm256_load_ps(tail), y;
    applyVectors<1>(F, &x, &y);
    _mm256_store_ps(tail, y);
    std::memcpy(dst + i, tail, (count - i) * sizeof(float));
  }
}

void activateRange(Activation f, const float* src, float* dst, int64_t count) {
  if (f == Activation::Silu)
    activateRange<Activation::Silu>(src, dst, count);
  else
    activateRange<Activation::SiluDerivative>(src, dst, count);
}
#else
void activateRange(Activation, const float*, float*, int64_t) { std::abort(); }
#endif

constexpr int64_t kChunk = 1 << 16;  // 256 KiB of input per hand-out

}  // namespace

void activateSerial(Activation f, const float* src, float* dst, int64_t count) { activateRange(f, src, dst, count); }

void activate(Activation f, const float* src, float* dst, int64_t count, int threads) {
  const int64_t chunks = (count + kChunk - 1) / kChunk;
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), chunks}));
  ThreadPool::shared().forEachChunk(parts, count, kChunk, [&](int64_t first, int64_t last) {
    activateRange(f, src + first, dst + first, last - first);
  });
}

}  // namespace scorekit
