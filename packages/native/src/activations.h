// Elementwise SiLU x·σ(x) and its derivative σ(x)(1 + x(1 − σ(x))) in float32 with AVX2 + FMA.
#pragma once
#include <cstdint>

namespace scorekit {

enum class Activation { Silu, SiluDerivative };

// dst[i] = f(src[i]) for i < count (dst may equal src), split over up to `threads` threads in chunks.
void activate(Activation f, const float* src, float* dst, int64_t count, int threads);

// The same on the calling thread only (for kernels that already run inside a ThreadPool job).
void activateSerial(Activation f, const float* src, float* dst, int64_t count);

}  // namespace scorekit
