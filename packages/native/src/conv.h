// Direct 2-D convolution (NHWC) of an already zero-padded input with a filter packed in 16-channel panels, with the
// same AVX2 + FMA register tile as the GEMM: 6 output pixels of a row × 16 output channels, summed over taps and
// input channels while the accumulators stay in registers.
#pragma once
#include <cstdint>

namespace scorekit {

struct ConvShape {
  int64_t batch, paddedH, paddedW, inC;  // the padded input [batch, paddedH, paddedW, inC]
  int64_t kH, kW, dH, dW, sH, sW;        // taps, their dilation, the stride
  int64_t outH, outW, outC;
  int64_t outPixelStride, outRowStride, outImageStride;  // in floats
};

// out[n, i, j, co] = Σ_{kh, kw, ci} x[n, i·sH + kh·dH, j·sW + kw·dW, ci] · w[panel co/16][kh·kW + kw][ci][co mod 16],
// written at out + n·outImageStride + i·outRowStride + j·outPixelStride + co. 6-pixel tiles of the output (numbered
// across rows and images) are handed out in chunks to up to `threads` threads; each output element is computed by
// one thread in one order, so results do not depend on the thread count.
void conv(const ConvShape& s, const float* x, const float* w, float* out, int threads);

// The filter gradient of that convolution: dw[kh·kW + kw][ci][co] = Σ_{n, i, j} x[n, i·sH + kh·dH, j·sW + kw·dW, ci]
// · dy[n, i, j, co], with dy dense [batch, outH, outW, outC] (the shape's output strides are ignored) and dw dense.
// x must have 8 readable floats after its end (the last 6-channel block may read past the last channel; those
// rows are computed and dropped). Work is split over (tap, 6-channel block) pairs, each summed over pixels in one
// order by one thread, so results do not depend on the thread count.
void convFilterGrad(const ConvShape& s, const float* x, const float* dy, float* dw, int threads);

}  // namespace scorekit
