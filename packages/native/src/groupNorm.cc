// GroupNorm (+ SiLU) forward and backward. Each sample is computed whole by one thread (samples are handed out one
// at a time), and dγ, dβ are summed over samples in sample order after the parallel part, so the results are the
// same bits on any thread count. Statistics and the per-channel sums of the gradient accumulate in double; SiLU
// and SiLU' are activations.cc's vector code, run on one sample at a time while it is in cache.
#include "groupNorm.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "activations.h"
#include "target.h"
#include "threadPool.h"

namespace scorekit {
namespace {

// Σ over pixels of each channel of one sample, in double (auto-vectorised over channels).
SCOREKIT_TARGET void channelSums(const float* x, int64_t pixels, int64_t C, double* sums) {
  std::fill(sums, sums + C, 0.0);
  for (int64_t p = 0; p < pixels; p++) {
    const float* row = x + p * C;
    for (int64_t c = 0; c < C; c++) sums[c] += row[c];
  }
}

// Σ over pixels of (x − μ_c)² per channel, μ_c the mean of the channel's group.
SCOREKIT_TARGET void channelSquares(const float* x, int64_t pixels, int64_t C, const double* mu, double* sums) {
  std::fill(sums, sums + C, 0.0);
  for (int64_t p = 0; p < pixels; p++) {
    const float* row = x + p * C;
    for (int64_t c = 0; c < C; c++) {
      const double d = row[c] - mu[c];
      sums[c] += d * d;
    }
  }
}

SCOREKIT_TARGET void forwardSample(const GroupNormShape& s, const float* x, const float* gamma, const float* beta,
                                   float* y, float* mean, float* rstd, float epsilon, bool silu) {
  const int64_t C = s.channels, G = s.groups, cg = C / G, P = s.pixels;
  const double count = static_cast<double>(P * cg);
  std::vector<double> sums(C), mu(C);
  std::vector<float> scale(C), shift(C);
  channelSums(x, P, C, sums.data());
  for (int64_t g = 0; g < G; g++) {
    double t = 0;
    for (int64_t c = g * cg; c < (g + 1) * cg; c++) t += sums[c];
    for (int64_t c = g * cg; c < (g + 1) * cg; c++) mu[c] = t / count;
  }
  channelSquares(x, P, C, mu.data(), sums.data());
  for (int64_t g = 0; g < G; g++) {
    double t = 0;
    for (int64_t c = g * cg; c < (g + 1) * cg; c++) t += sums[c];
    const double r = 1.0 / std::sqrt(t / count + epsilon);
    mean[g] = static_cast<float>(mu[g * cg]);
    rstd[g] = static_cast<float>(r);
    for (int64_t c = g * cg; c < (g + 1) * cg; c++) {
      scale[c] = static_cast<float>(r * gamma[c]);
      shift[c] = static_cast<float>(beta[c] - mu[c] * r * gamma[c]);
    }
  }
  for (int64_t p = 0; p < P; p++) {
    const float* row = x + p * C;
    float* out = y + p * C;
    for (int64_t c = 0; c < C; c++) out[c] = row[c] * scale[c] + shift[c];
  }
  if (silu) activateSerial(Activation::Silu, y, y, P * C);
}

// One sample's dx, and its per-channel Σ dz and Σ dz·x̂ into sdb, sdg (summed over samples by the caller).
SCOREKIT_TARGET void backwardSample(const GroupNormShape& s, const float* dy, const float* x, const float* gamma,
                                    const float* beta, const float* mean, const float* rstd, float* dx, double* sdg,
                                    double* sdb, bool silu) {
  const int64_t C = s.channels, G = s.groups, cg = C / G, P = s.pixels;
  const double count = static_cast<double>(P * cg);
  std::vector<float> mu(C), rs(C);
  for (int64_t c = 0; c < C; c++) {
    mu[c] = mean[c / cg];
    rs[c] = rstd[c / cg];
  }
  // dz = dy·act'(z), z = x̂γ + β recomputed
  std::vector<float> dz(dy, dy + P * C);
  if (silu) {
    std::vector<float> z(P * C);
    for (int64_t p = 0; p < P; p++) {
      const float* row = x + p * C;
      float* zr = z.data() + p * C;
      for (int64_t c = 0; c < C; c++) zr[c] = (row[c] - mu[c]) * rs[c] * gamma[c] + beta[c];
    }
    activateSerial(Activation::SiluDerivative, z.data(), z.data(), P * C);
    for (int64_t i = 0; i < P * C; i++) dz[i] *= z[i];
  }
  std::fill(sdb, sdb + C, 0.0);
  std::fill(sdg, sdg + C, 0.0);
  for (int64_t p = 0; p < P; p++) {
    const float* row = x + p * C;
    const float* d = dz.data() + p * C;
    for (int64_t c = 0; c < C; c++) {
      sdb[c] += d[c];
      sdg[c] += static_cast<double>(d[c]) * ((row[c] - mu[c]) * rs[c]);
    }
  }
  std::vector<float> m1(C), m2(C);
  for (int64_t g = 0; g < G; g++) {
    double a = 0, b = 0;
    for (int64_t c = g * cg; c < (g + 1) * cg; c++) {
      a += sdb[c] * gamma[c];
      b += sdg[c] * gamma[c];
    }
    for (int64_t c = g * cg; c < (g + 1) * cg; c++) {
      m1[c] = static_cast<float>(a / count);
      m2[c] = static_cast<float>(b / count);
    }
  }
  for (int64_t p = 0; p < P; p++) {
    const float* row = x + p * C;
    const float* d = dz.data() + p * C;
    float* out = dx + p * C;
    for (int64_t c = 0; c < C; c++) {
      const float xh = (row[c] - mu[c]) * rs[c];
      out[c] = rs[c] * (d[c] * gamma[c] - m1[c] - xh * m2[c]);
    }
  }
}

int partsFor(int threads, int64_t n) {
  return static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), n}));
}

}  // namespace

void groupNormForward(const GroupNormShape& s, const float* x, const float* gamma, const float* beta, float* y,
                      float* mean, float* rstd, float epsilon, bool silu, int threads) {
  const int64_t per = s.pixels * s.channels;
  ThreadPool::shared().forEachChunk(partsFor(threads, s.n), s.n, 1, [&](int64_t first, int64_t last) {
    for (int64_t i = first; i < last; i++)
      forwardSample(s, x + i * per, gamma, beta, y + i * per, mean + i * s.groups, rstd + i * s.groups, epsilon, silu);
  });
}

void groupNormBackward(const GroupNormShape& s, const float* dy, const float* x, const float* gamma, const float* beta,
                       const float* mean, const float* rstd, float* dx, float* dgamma, float* dbeta, bool silu,
                       int threads) {
  const int64_t per = s.pixels * s.channels, C = s.channels;
  std::vector<double> sdg(s.n * C), sdb(s.n * C);
  ThreadPool::shared().forEachChunk(partsFor(threads, s.n), s.n, 1, [&](int64_t first, int64_t last) {
    for (int64_t i = first; i < last; i++)
      backwardSample(s, dy + i * per, x + i * per, gamma, beta, mean + i * s.groups, rstd + i * s.groups, dx + i * per,
                     sdg.data() + i * C, sdb.data() + i * C, silu);
  });
  for (int64_t c = 0; c < C; c++) {
    double g = 0, b = 0;
    for (int64_t i = 0; i < s.n; i++) {
      g += sdg[i * C + c];
      b += sdb[i * C + c];
    }
    dgamma[c] = static_cast<float>(g);
    dbeta[c] = static_cast<float>(b);
  }
}

}  // namespace scorekit
