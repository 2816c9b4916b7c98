#include "adam.h"

#include <cmath>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define SCOREKIT_X64 1
#endif

namespace scorekit {
namespace {

inline void adamScalar(const AdamScalars& s, float w, float g, float m, float v, float& wOut, float& mOut,
                       float& vOut) {
  const float m2 = m * s.beta1 + g * s.oneMinusBeta1;
  const float v2 = v * s.beta2 + (g * g) * s.oneMinusBeta2;
  const float step = (m2 / s.oneMinusAccBeta1) / (std::sqrt(v2 / s.oneMinusAccBeta2) + s.epsilon);
  wOut = step * s.negLearningRate + w;
  mOut = m2;
  vOut = v2;
}

}  // namespace

#ifdef SCOREKIT_X64
__attribute__((target("avx2"))) void adamStep(const AdamScalars& s, const float* w, const float* g, const float* m,
                                              const float* v, float* wOut, float* mOut, float* vOut, int64_t count) {
  const __m256 b1 = _mm256_set1_ps(s.beta1), omb1 = _mm256_set1_ps(s.oneMinusBeta1);
  const __m256 b2 = _mm256_set1_ps(s.beta2), omb2 = _mm256_set1_ps(s.oneMinusBeta2);
  const __m256 c1 = _mm256_set1_ps(s.oneMinusAccBeta1), c2 = _mm256_set1_ps(s.oneMinusAccBeta2);
  const __m256 eps = _mm256_set1_ps(s.epsilon), negLr = _mm256_set1_ps(s.negLearningRate);
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256 gi = _mm256_loadu_ps(g + i);
    const __m256 m2 = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(m + i), b1), _mm256_mul_ps(gi, omb1));
    const __m256 v2 = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(v + i), b2), _mm256_mul_ps(_mm256_mul_ps(gi, gi), omb2));
    const __m256 step =
        _mm256_div_ps(_mm256_div_ps(m2, c1), _mm256_add_ps(_mm256_sqrt_ps(_mm256_div_ps(v2, c2)), eps));
    _mm256_storeu_ps(wOut + i, _mm256_add_ps(_mm256_mul_ps(step, negLr), _mm256_loadu_ps(w + i)));
    _mm256_storeu_ps(mOut + i, m2);
    _mm256_storeu_ps(vOut + i, v2);
  }
  for (; i < count; i++) adamScalar(s, w[i], g[i], m[i], v[i], wOut[i], mOut[i], vOut[i]);
}
#else
void adamStep(const AdamScalars& s, const float* w, const float* g, const float* m, const float* v, float* wOut,
              float* mOut, float* vOut, int64_t count) {
  for (int64_t i = 0; i < count; i++) adamScalar(s, w[i], g[i], m[i], v[i], wOut[i], mOut[i], vOut[i]);
}
#endif

}  // namespace scorekit
