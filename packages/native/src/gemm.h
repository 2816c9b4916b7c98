// C = A·B (+ bias) in float32 for strided A and B, blocked for the cache with an AVX2 + FMA register tile.
#pragma once
#include <cstdint>

namespace scorekit {

// A matrix in memory: element (i, j) is the float at byte p + i·rs + j·cs (a transpose is a choice of strides).
struct MatrixView {
  const uint8_t* p;
  int64_t rs;
  int64_t cs;
};

// Whether this CPU can run the kernels (x86-64 with AVX2 and FMA).
bool gemmSupported();

// C (M×N, row stride ldc floats) = A (M×K) · B (K×N), plus bias[N] on every row when bias is not null. The work is
// split over up to `threads` threads by whole rows or columns of C, so every element is computed by one thread in
// the same order whatever the thread count: results do not depend on it.
void gemm(int M, int N, int K, const MatrixView& A, const MatrixView& B, float* C, int64_t ldc, const float* bias,
          int threads);

}  // namespace scorekit
