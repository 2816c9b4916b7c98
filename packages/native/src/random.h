// Dropout masks drawn from xoshiro128** (the generator of @scorekit/core's Rng), so the native path consumes and
// produces exactly the numbers the JavaScript one would.
#pragma once
#include <cstdint>

namespace scorekit {

// out[i] = scale where u_i ≥ rate, else 0, for count draws u_i = float32((hi·2²⁶ + lo) / 2⁵³) with hi, lo the next two
// 32-bit outputs >> 5 and >> 6 (Rng.nextFloat rounded to float32, as Rng.uniformArray stores it); `state` (four
// words) advances as the JavaScript generator's would. The stream is cut into fixed chunks whose starting states are
// found by jumping ahead (the state update is linear over GF(2)), drawn on up to `threads` threads: the same numbers
// and final state on any thread count.
void dropoutMask(uint32_t* state, float* out, int64_t count, double rate, float scale, int threads = 1);

}  // namespace scorekit
