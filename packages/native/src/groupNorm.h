// GroupNorm (+ SiLU) over NHWC float32 images, forward and backward, for @scorekit/core's fused kernels.
#pragma once
#include <cstdint>

namespace scorekit {

struct GroupNormShape {
  int64_t n, pixels, channels, groups;
};

// y = act((x − μ)·rstd·γ + β) per sample and group; writes μ and rstd [n][groups]. silu: act = SiLU, else identity.
void groupNormForward(const GroupNormShape& s, const float* x, const float* gamma, const float* beta, float* y,
                      float* mean, float* rstd, float epsilon, bool silu, int threads);

// dx, dγ, dβ from dy, x, γ, β and the forward's μ and rstd.
void groupNormBackward(const GroupNormShape& s, const float* dy, const float* x, const float* gamma, const float* beta,
                       const float* mean, const float* rstd, float* dx, float* dgamma, float* dbeta, bool silu,
                       int threads);

}  // namespace scorekit
