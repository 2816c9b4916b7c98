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
__attribute__((target("avx2,fma"))) inline __m256 apply(Activation f, __m256 x) {
  const __m256 limit = _mm256_set1_ps(88.3f);
  // −x clamped to ±88.3; a NaN x becomes 88.3 here and comes back as NaN through the products with x below
  __m256 t = _mm256_max_ps(_mm256_sub_ps(_mm256_setzero_ps(), x), _mm256_sub_ps(_mm256_setzero_ps(), limit));
  t = _mm256_min_ps(t, limit);
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(t, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), t);  // ln 2 in two parts: n·hi is exact
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.0f / 720);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  const __m256 e = _mm256_mul_ps(p, _mm256_castsi256_ps(bits));  // e^{−x}
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, e));
  s = _mm256_andnot_ps(_mm256_cmp_ps(x, _mm256_sub_ps(_mm256_setzero_ps(), limit), _CMP_LT_OQ), s);
  if (f == Activation::Silu) return _mm256_mul_ps(x, s);
  const __m256 oneMinus = _mm256_mul_ps(e, s);
  return _mm256_mul_ps(s, _mm256_fmadd_ps(x, oneMinus, one));
}

__attribute__((target("avx2,fma"))) void activateRange(Activation f, const float* src, float* dst, int64_t count) {
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(dst + i, apply(f, _mm256_loadu_ps(src + i)));
  if (i < count) {  // the last count mod 8 values through a whole vector in a buffer
    alignas(32) float tail[8] = {0};
    std::memcpy(tail, src + i, (count - i) * sizeof(float));
    _mm256_store_ps(tail, apply(f, _mm256_load_ps(tail)));
    std::memcpy(dst + i, tail, (count - i) * sizeof(float));
  }
}
#else
void activateRange(Activation, const float*, float*, int64_t) { std::abort(); }
#endif

constexpr int64_t kChunk = 1 << 16;  // 256 KiB of input per hand-out

}  // namespace

void activate(Activation f, const float* src, float* dst, int64_t count, int threads) {
  const int64_t chunks = (count + kChunk - 1) / kChunk;
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), chunks}));
  ThreadPool::shared().forEachChunk(parts, count, kChunk, [&](int64_t first, int64_t last) {
    activateRange(f, src + first, dst + first, last - first);
  });
}

}  // namespace scorekit
