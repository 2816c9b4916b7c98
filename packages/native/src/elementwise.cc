// Binary arithmetic and sums over an axis run, split over the thread pool in chunks that do not depend on the
// thread count. Both are bound by memory: the loops are plain and left to the compiler's AVX2 vectorisation.
#include "elementwise.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "target.h"
#include "threadPool.h"

namespace scorekit {
namespace {

constexpr int64_t kChunk = 1 << 15;  // 128 KiB of each operand per hand-out

template <BinaryOp Op>
SCOREKIT_TARGET inline float apply(float x, float y) {
  if constexpr (Op == BinaryOp::Add) return x + y;
  if constexpr (Op == BinaryOp::Sub) return x - y;
  return x * y;
}

// Elements [first, last) of `binary`, run by run: a run ends where b's index jumps (the end of a period, or for a
// scalar-like period of 1 the end of the repeat), so each inner loop is a plain vectorisable loop.
template <BinaryOp Op>
SCOREKIT_TARGET void binaryRange(const float* a, const float* b, float* out, int64_t first, int64_t last,
                                 int64_t period, int64_t repeat) {
  const int64_t block = period * repeat;
  for (int64_t i = first; i < last;) {
    const int64_t o = i / block, inBlock = i % block;
    if (period == 1) {
      const int64_t n = std::min(last - i, block - inBlock);
      const float y = b[o];
      for (int64_t t = 0; t < n; t++) out[i + t] = apply<Op>(a[i + t], y);
      i += n;
      continue;
    }
    const int64_t k = inBlock % period;
    const int64_t n = std::min(last - i, period - k);
    const float* bb = b + o * period + k;
    for (int64_t t = 0; t < n; t++) out[i + t] = apply<Op>(a[i + t], bb[t]);
    i += n;
  }
}

template <BinaryOp Op>
void binaryAll(const float* a, const float* b, float* out, int64_t count, int64_t period, int64_t repeat, int threads) {
  const int64_t chunks = (count + kChunk - 1) / kChunk;
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), chunks}));
  ThreadPool::shared().forEachChunk(parts, count, kChunk, [&](int64_t first, int64_t last) {
    binaryRange<Op>(a, b, out, first, last, period, repeat);
  });
}

// Σ of rows [m0, m1) of one x[o] ([middle][inner]) into acc (inner floats), in row order.
SCOREKIT_TARGET void sumRows(const float* x, int64_t m0, int64_t m1, int64_t inner, float* acc) {
  std::fill(acc, acc + inner, 0.0f);
  for (int64_t m = m0; m < m1; m++) {
    const float* row = x + m * inner;
    for (int64_t c = 0; c < inner; c++) acc[c] += row[c];
  }
}

}  // namespace

void binary(BinaryOp op, const float* a, const float* b, float* out, int64_t count, int64_t period, int64_t repeat,
            int threads) {
  if (count <= 0) return;
  switch (op) {
    case BinaryOp::Add:
      return binaryAll<BinaryOp::Add>(a, b, out, count, period, repeat, threads);
    case BinaryOp::Sub:
      return binaryAll<BinaryOp::Sub>(a, b, out, count, period, repeat, threads);
    case BinaryOp::Mul:
      return binaryAll<BinaryOp::Mul>(a, b, out, count, period, repeat, threads);
  }
}

void sumMiddle(const float* x, float* out, int64_t outer, int64_t middle, int64_t inner, int threads) {
  if (outer <= 0 || inner <= 0) return;
  // rows per block: ~64 KiB of x, fixed by the shape alone
  const int64_t rowsPerBlock = std::max<int64_t>(8, (int64_t{1} << 14) / inner);
  const int64_t blocks = std::max<int64_t>(1, (middle + rowsPerBlock - 1) / rowsPerBlock);
  const int64_t items = outer * blocks;
  std::vector<float> partial(static_cast<size_t>(items * inner));
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), items}));
  ThreadPool::shared().forEachChunk(parts, items, 1, [&](int64_t first, int64_t last) {
    for (int64_t item = first; item < last; item++) {
      const int64_t o = item / blocks, q = item % blocks;
      const int64_t m0 = q * rowsPerBlock, m1 = std::min(middle, m0 + rowsPerBlock);
      sumRows(x + o * middle * inner, m0, m1, inner, partial.data() + item * inner);
    }
  });
  std::vector<double> total(static_cast<size_t>(inner));
  for (int64_t o = 0; o < outer; o++) {
    std::fill(total.begin(), total.end(), 0.0);
    for (int64_t q = 0; q < blocks; q++) {
      const float* p = partial.data() + (o * blocks + q) * inner;
      for (int64_t c = 0; c < inner; c++) total[c] += p[c];
    }
    for (int64_t c = 0; c < inner; c++) out[o * inner + c] = static_cast<float>(total[c]);
  }
}

void upsample2x(const float* x, float* out, int64_t n, int64_t h, int64_t w, int64_t c, int threads) {
  const int64_t rows = n * h;  // input rows; each fills two output rows
  const int64_t per = std::max<int64_t>(1, kChunk / std::max<int64_t>(1, 4 * w * c));
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), (rows + per - 1) / per}));
  ThreadPool::shared().forEachChunk(parts, rows, per, [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; r++) {
      const float* src = x + r * w * c;
      float* top = out + 2 * r * (2 * w * c);
      for (int64_t j = 0; j < w; j++) {
        std::copy(src + j * c, src + (j + 1) * c, top + 2 * j * c);
        std::copy(src + j * c, src + (j + 1) * c, top + (2 * j + 1) * c);
      }
      std::copy(top, top + 2 * w * c, top + 2 * w * c);
    }
  });
}

static SCOREKIT_TARGET void sumPoolRow(const float* a, const float* b, float* out, int64_t w, int64_t c) {
  for (int64_t j = 0; j < w; j++) {
    const float* a0 = a + 2 * j * c;
    const float* a1 = a0 + c;
    const float* b0 = b + 2 * j * c;
    const float* b1 = b0 + c;
    float* o = out + j * c;
    for (int64_t k = 0; k < c; k++) o[k] = ((a0[k] + a1[k]) + b0[k]) + b1[k];
  }
}

void sumPool2x(const float* dy, float* out, int64_t n, int64_t h, int64_t w, int64_t c, int threads) {
  const int64_t rows = n * h;  // output rows; each sums two input rows
  const int64_t per = std::max<int64_t>(1, kChunk / std::max<int64_t>(1, 4 * w * c));
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), (rows + per - 1) / per}));
  ThreadPool::shared().forEachChunk(parts, rows, per, [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; r++) {
      const float* top = dy + 2 * r * (2 * w * c);
      sumPoolRow(top, top + 2 * w * c, out + r * w * c, w, c);
    }
  });
}

void copyRows(const uint8_t* src, int64_t srcStride, uint8_t* dst, int64_t dstStride, int64_t rows, int64_t bytes,
              int threads) {
  if (rows <= 0 || bytes <= 0) return;
  const int64_t per = std::max<int64_t>(1, (4 * kChunk) / bytes);  // ~128 KiB of each side per hand-out
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), (rows + per - 1) / per}));
  ThreadPool::shared().forEachChunk(parts, rows, per, [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; r++) std::memcpy(dst + r * dstStride, src + r * srcStride, static_cast<size_t>(bytes));
  });
}

}  // namespace scorekit
