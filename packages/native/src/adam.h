// One Adam step over a parameter array, with tfjs's AdamOptimizer's float32 operations in its order (no fused
// multiply-adds), so the results are the same bits as tf.train.adam's.
#pragma once
#include <cstdint>

namespace scorekit {

struct AdamScalars {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2;
  float oneMinusAccBeta1, oneMinusAccBeta2;  // bias corrections 1 − β₁ᵗ, 1 − β₂ᵗ
  float epsilon, negLearningRate;
};

// m' = m·β₁ + g·(1 − β₁); v' = v·β₂ + g²·(1 − β₂); w' = (m'/c₁) / (√(v'/c₂) + ε) · (−lr) + w.
void adamStep(const AdamScalars& s, const float* w, const float* g, const float* m, const float* v, float* wOut,
              float* mOut, float* vOut, int64_t count);

}  // namespace scorekit
