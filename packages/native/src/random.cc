#include "random.h"

namespace scorekit {
namespace {

inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

}  // namespace

void dropoutMask(uint32_t* state, float* out, int64_t count, double rate, float scale) {
  uint32_t s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  auto next = [&]() {
    const uint32_t result = rotl(s1 * 5, 7) * 9;
    const uint32_t t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  for (int64_t i = 0; i < count; i++) {
    const uint32_t hi = next() >> 5;
    const uint32_t lo = next() >> 6;
    const float u = static_cast<float>((hi * 67108864.0 + lo) / 9007199254740992.0);
    out[i] = static_cast<double>(u) >= rate ? scale : 0.0f;
  }
  state[0] = s0, state[1] = s1, state[2] = s2, state[3] = s3;
}

}  // namespace scorekit
