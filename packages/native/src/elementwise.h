// Memory-bound element-wise kernels on the thread pool: binary arithmetic with the broadcasts a network's tensors
// use, and sums over a run of axes (bias gradients, per-sample channel sums). tfjs-backend-wasm runs its own
// versions on the main thread only.
#pragma once
#include <cstdint>

namespace scorekit {

enum class BinaryOp { Add = 0, Sub = 1, Mul = 2 };

// out[i] = a[i] ⊕ b[j(i)] for i < count, where b repeats each of its `period`-float rows `repeat` times:
// j(i) = ⌊i / (period·repeat)⌋·period + i mod period (so period = count, repeat = 1 is the same shape; period = 1,
// repeat = count a scalar; period = C a per-channel vector of an [..., C] tensor; period = C, repeat = h·w a
// per-sample [n, 1, 1, C] against [n, h, w, C]). count must be a multiple of period·repeat. Each element is one
// float32 operation, so results are those of any other correct implementation and of any thread count. Chunks go
// to whichever of up to `threads` threads is free.
void binary(BinaryOp op, const float* a, const float* b, float* out, int64_t count, int64_t period, int64_t repeat,
            int threads);

// out[o][c] = Σ_m x[o][m][c] for x [outer][middle][inner]: the middle axis summed in fixed blocks of rows (in
// float, in order), the blocks' sums added in order in double and rounded once. The blocks do not depend on the
// thread count, so neither do the results.
void sumMiddle(const float* x, float* out, int64_t outer, int64_t middle, int64_t inner, int threads);

// Nearest-neighbour ×2 upsampling of x [n, h, w, c] (NHWC) into out [n, 2h, 2w, c]: each pixel copied into its
// 2 × 2 block. Rows of the output are handed out to the threads.
void upsample2x(const float* x, float* out, int64_t n, int64_t h, int64_t w, int64_t c, int threads);

// Its adjoint: out[n, i, j, c] = ((dy[2i, 2j] + dy[2i, 2j+1]) + dy[2i+1, 2j]) + dy[2i+1, 2j+1] for dy [n, 2h, 2w, c]
// (tfjs's order for a sum over the two broadcast axes, so the same bits), out [n, h, w, c].
void sumPool2x(const float* dy, float* out, int64_t n, int64_t h, int64_t w, int64_t c, int threads);

// `rows` copies of `bytes` bytes, row r from src + r·srcStride to dst + r·dstStride (strides in bytes): concat and
// split along an inner axis. Chunks of rows go to the threads.
void copyRows(const uint8_t* src, int64_t srcStride, uint8_t* dst, int64_t dstStride, int64_t rows, int64_t bytes,
              int threads);

}  // namespace scorekit
