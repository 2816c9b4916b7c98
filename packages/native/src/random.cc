// xoshiro128**'s state update is linear over GF(2) (xors, shifts, rotations), so advancing it by J steps is a fixed
// 128 × 128 bit matrix T^J. With J the draws of one chunk of the mask, each chunk's starting state is the previous
// one's times that matrix: the chunks are then drawn on any threads, each from its own start, and give exactly the
// numbers of the one sequential stream.
#include "random.h"

#include <algorithm>
#include <array>
#include <vector>

#include "threadPool.h"

namespace scorekit {
namespace {

using State = std::array<uint32_t, 4>;

inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

// One generator step: the output, and the state advanced in place.
inline uint32_t next(State& s) {
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

// A linear map of states: column b is the image of the state with only bit b set (word b / 32, bit b mod 32).
struct Jump {
  std::array<State, 128> column;
  State apply(const State& s) const {
    State r{0, 0, 0, 0};
    for (int b = 0; b < 128; b++) {
      if ((s[b >> 5] >> (b & 31)) & 1u) {
        for (int w = 0; w < 4; w++) r[w] ^= column[b][w];
      }
    }
    return r;
  }
};

constexpr int64_t kChunkLog2 = 15;                     // mask values per chunk
constexpr int64_t kChunk = int64_t{1} << kChunkLog2;  // two draws each: the jump is 2^16 steps

// T^(2·kChunk), made once by squaring T sixteen times.
const Jump& chunkJump() {
  static const Jump jump = [] {
    Jump m;
    for (int b = 0; b < 128; b++) {
      State s{0, 0, 0, 0};
      s[b >> 5] = 1u << (b & 31);
      next(s);
      m.column[b] = s;
    }
    for (int i = 0; i < kChunkLog2 + 1; i++) {
      Jump sq;
      for (int b = 0; b < 128; b++) sq.column[b] = m.apply(m.column[b]);
      m = sq;
    }
    return m;
  }();
  return jump;
}

// out[0..count) from state s (advanced in place), as the sequential stream draws them.
void drawMask(State& s, float* out, int64_t count, double rate, float scale) {
  for (int64_t i = 0; i < count; i++) {
    const uint32_t hi = next(s) >> 5;
    const uint32_t lo = next(s) >> 6;
    const float u = static_cast<float>((hi * 67108864.0 + lo) / 9007199254740992.0);
    out[i] = static_cast<double>(u) >= rate ? scale : 0.0f;
  }
}

}  // namespace

void dropoutMask(uint32_t* state, float* out, int64_t count, double rate, float scale, int threads) {
  State s{state[0], state[1], state[2], state[3]};
  const int64_t chunks = (count + kChunk - 1) / kChunk;
  const int parts = static_cast<int>(std::min<int64_t>({threads, ThreadPool::shared().maxParts(), chunks}));
  if (parts <= 1) {
    drawMask(s, out, count, rate, scale);
  } else {
    const Jump& jump = chunkJump();
    std::vector<State> start(static_cast<size_t>(chunks));
    start[0] = s;
    for (int64_t c = 1; c < chunks; c++) start[c] = jump.apply(start[c - 1]);
    ThreadPool::shared().forEachChunk(parts, chunks, 1, [&](int64_t first, int64_t last) {
      for (int64_t c = first; c < last; c++) {
        State local = start[c];
        const int64_t begin = c * kChunk;
        drawMask(local, out + begin, std::min(kChunk, count - begin), rate, scale);
        if (c == chunks - 1) s = local;  // the state after the last draw: one thread writes it
      }
    });
  }
  state[0] = s[0], state[1] = s[1], state[2] = s[2], state[3] = s[3];
}

}  // namespace scorekit
