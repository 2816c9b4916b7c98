// Direct 2-D convolution (NHWC) with implicit zero padding and a filter packed in 16-channel panels, with the same
// AVX2 + FMA register tile as the GEMM: 6 output pixels × 16 output channels, summed over taps and input channels
// while the accumulators stay in registers; and its filter gradient on a 6 × 16 tile of dW.
#pragma once
#include <cstdint>

namespace scorekit {

struct ConvShape {
  int64_t batch, inH, inW, inC;          // the input [batch, inH, inW, inC]
  int64_t padTop, padLeft;               // zero rows above and columns left of it (below and right: as the taps need)
  int64_t kH, kW, dH, dW, sH, sW;        // taps, their dilation, the stride
  int64_t outH, outW, outC;
  int64_t outPixelStride, outRowStride, outImageStride;  // in floats
};

// out[n, i, j, co] = Σ_{kh, kw, ci} x[n, i·sH + kh·dH − padTop, j·sW + kw·dW − padLeft, ci]
// · w[panel co/16][kh·kW + kw][ci][co mod 16], x read as zero outside [0, inH) × [0, inW), written at
// out + n·outImageStride + i·outRowStride + j·outPixelStride + co. 6-pixel tiles of the output (numbered across rows
// and images) are handed out in chunks to up to `threads` threads; each output element is computed by one thread in
// one order, so results do not depend on the thread count.
// With `bias` (outC floats, or null), bias[co] is added to each finished sum: the same rounding as adding it after.
void conv(const ConvShape& s, const float* x, const float* w, float* out, int threads, const float* bias = nullptr);

// What a convolution's last step does to each finished sum v of output (n, i, j, co), in this order and each in
// float32, so the result has the bits of the separate operations: v + bias[co], + sampleBias[n][co], residual + v
// (residual dense [batch, outH, outW, outC]), × scale. A null pointer or `scaled` false skips that step.
struct ConvEpilogue {
  const float* bias = nullptr;
  const float* sampleBias = nullptr;
  const float* residual = nullptr;
  bool scaled = false;
  float scale = 1.0f;
};

// conv with an epilogue (the output dense: the residual is read at the output's own offsets).
void conv(const ConvShape& s, const float* x, const float* w, float* out, int threads, const ConvEpilogue& epilogue);

// The filter gradient of that convolution: dw[kh·kW + kw][ci][co] = Σ_{n, i, j} x[n, i·sH + kh·dH − padTop,
// j·sW + kw·dW − padLeft, ci] · dy[n, i, j, co] (x zero outside the input as above), with dy dense
// [batch, outH, outW, outC] (the shape's output strides are ignored) and dw dense. Work is split over (tap,
// 6-channel block) pairs, each summed over pixels in one order by one thread, so results do not depend on the
// thread count.
void convFilterGrad(const ConvShape& s, const float* x, const float* dy, float* dw, int threads);

}  // namespace scorekit
