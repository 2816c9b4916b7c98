// Node-API surface: argument checking and the mapping from byte offsets in a JavaScript ArrayBuffer (tfjs's wasm
// heap) to the pointers the kernels use. Every range a kernel will touch is checked against the buffer first, so a
// wrong offset is a JavaScript RangeError, never a write outside the buffer.
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "activations.h"
#include "adam.h"
#include "conv.h"
#include "elementwise.h"
#include "gemm.h"
#include "groupNorm.h"
#include "random.h"

namespace {


bool throwError(napi_env env, const std::string& message, bool range = false) {
  if (range)
    napi_throw_range_error(env, nullptr, message.c_str());
  else
    napi_throw_type_error(env, nullptr, message.c_str());
  return false;
}

// A non-negative integer argument below 2^53.
bool integer(napi_env env, napi_value value, const char* fn, const char* name, int64_t& out) {
  double x;
  if (napi_get_value_double(env, value, &x) != napi_ok || !std::isfinite(x) || x != std::floor(x) || x < 0 ||
      x > 9007199254740991.0)
    return throwError(env, std::string(fn) + ": " + name + " must be a non-negative integer");
  out = static_cast<int64_t>(x);
  return true;
}

// The heap (first argument) and the call's arguments into argv, when there are exactly `expected` of them; else a
// TypeError naming `signature` ("fn(heap, …)") and false.
bool readCall(napi_env env, napi_callback_info info, const char* fn, const std::string& signature, size_t expected,
              napi_value* argv, uint8_t*& heap, int64_t& length) {
  size_t argc = expected;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != expected)
    return throwError(env, signature + " takes " + std::to_string(expected) + " arguments, got " + std::to_string(argc));
  bool isBuffer = false;
  void* data = nullptr;
  size_t bytes = 0;
  napi_is_arraybuffer(env, argv[0], &isBuffer);
  if (!isBuffer || napi_get_arraybuffer_info(env, argv[0], &data, &bytes) != napi_ok)
    return throwError(env, std::string(fn) + ": heap must be an ArrayBuffer");
  heap = static_cast<uint8_t*>(data);
  length = static_cast<int64_t>(bytes);
  return true;
}

// n integer arguments (see `integer`) named by `names`; those at `signedFrom` ≤ i < `signedTo` may be negative
// (above −2^40: implicit paddings, where a negative one crops).
bool integers(napi_env env, const napi_value* args, const char* fn, const char* const* names, int n, int64_t* out,
              int signedFrom = -1, int signedTo = -1) {
  for (int i = 0; i < n; i++) {
    if (i >= signedFrom && i < signedTo) {
      double x;
      if (napi_get_value_double(env, args[i], &x) != napi_ok || !std::isfinite(x) || x != std::floor(x) ||
          std::fabs(x) >= 1099511627776.0)
        return throwError(env, std::string(fn) + ": " + names[i] + " must be an integer");
      out[i] = static_cast<int64_t>(x);
    } else if (!integer(env, args[i], fn, names[i], out[i])) {
      return false;
    }
  }
  return true;
}

// The thread count a kernel is given: 1 … 64.
int threadCount(int64_t threads) { return static_cast<int>(threads < 1 ? 1 : threads > 64 ? 64 : threads); }

// The last byte + 1 of a rows×cols view at `offset` with strides rs, cs (0 for an empty view).
int64_t extent(int64_t offset, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  if (rows == 0 || cols == 0) return 0;
  return offset + (rows - 1) * rs + (cols - 1) * cs + 4;
}

napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "gemm",
                "gemm(heap, M, N, K, a, aRowStride, aColStride, b, bRowStride, bColStride, c, cRowStride, bias, threads)",
                14, argv, heap, len))
    return nullptr;
  static const char* names[] = {"M", "N", "K", "a", "aRowStride", "aColStride", "b", "bRowStride", "bColStride",
                                "c", "cRowStride", "bias", "threads"};
  int64_t v[13];
  if (!integers(env, argv + 1, "gemm", names, 13, v)) return nullptr;
  const int64_t M = v[0], N = v[1], K = v[2], a = v[3], ars = v[4], acs = v[5], b = v[6], brs = v[7], bcs = v[8],
                c = v[9], ldc = v[10], bias = v[11], threads = v[12];
  if (M > INT32_MAX || N > INT32_MAX || K > INT32_MAX) {
    throwError(env, "gemm: M, N and K must be below 2^31", true);
    return nullptr;
  }
  if (c % 4 != 0 || ldc % 4 != 0 || bias % 4 != 0 || ldc < 4 * N) {
    throwError(env, "gemm: c, cRowStride and bias must be multiples of 4 bytes, and cRowStride ≥ 4·N", true);
    return nullptr;
  }
  if (extent(a, M, K, ars, acs) > len || extent(b, K, N, brs, bcs) > len || extent(c, M, N, ldc, 4) > len ||
      (bias != 0 && bias + 4 * N > len)) {
    throwError(env, "gemm: an operand reaches past the end of the heap (" + std::to_string(len) + " bytes)", true);
    return nullptr;
  }
  const scorekit::MatrixView A{heap + a, ars, acs};
  const scorekit::MatrixView B{heap + b, brs, bcs};
  scorekit::gemm(static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), A, B,
                 reinterpret_cast<float*>(heap + c), ldc / 4,
                 bias != 0 ? reinterpret_cast<const float*>(heap + bias) : nullptr,
                 threadCount(threads));
  return nullptr;
}

// activation(heap, src, dst, count, threads): dst[i] = f(src[i]) for count floats at byte offsets src and dst.
template <scorekit::Activation f>
napi_value Activate(napi_env env, napi_callback_info info) {
  const char* fn = f == scorekit::Activation::Silu ? "silu" : "siluDerivative";
  napi_value argv[5];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, fn, std::string(fn) + "(heap, src, dst, count, threads)", 5, argv, heap, len)) return nullptr;
  static const char* names[] = {"src", "dst", "count", "threads"};
  int64_t v[4];
  if (!integers(env, argv + 1, fn, names, 4, v)) return nullptr;
  const int64_t src = v[0], dst = v[1], count = v[2], threads = v[3];
  if (src % 4 != 0 || dst % 4 != 0) {
    throwError(env, std::string(fn) + ": src and dst must be multiples of 4 bytes", true);
    return nullptr;
  }
  if (src + 4 * count > len || dst + 4 * count > len) {
    throwError(env, std::string(fn) + ": a range reaches past the end of the heap (" + std::to_string(len) + " bytes)", true);
    return nullptr;
  }
  scorekit::activate(f, reinterpret_cast<const float*>(heap + src), reinterpret_cast<float*>(heap + dst), count,
                     threadCount(threads));
  return nullptr;
}

// Checks that each of `count` float arrays (byte offsets offs[i], sizes[i] floats) lies inside the heap.
bool floatArrays(napi_env env, const char* fn, const char* const* names, const int64_t* offs, const int64_t* sizes,
                 int count, int64_t len) {
  for (int i = 0; i < count; i++) {
    if (offs[i] % 4 != 0 || offs[i] + 4 * sizes[i] > len)
      return throwError(env, std::string(fn) + ": " + names[i] + " is not a float array inside the heap (" +
                                 std::to_string(len) + " bytes)", true);
  }
  return true;
}

// Rejects integer arguments of 2^40 or more (sizes and offsets that could overflow the range arithmetic below).
bool belowLimit(napi_env env, const char* fn, const char* const* names, const int64_t* v, int n) {
  for (int i = 0; i < n; i++)
    if (v[i] >= (int64_t{1} << 40)) return throwError(env, std::string(fn) + ": " + names[i] + " is too large", true);
  return true;
}

// Strides and dilations of at least 1, and (when `inside`, for a non-empty output) taps that stay inside the input:
// the older entry points take an already padded input and read no zeros of their own.
bool validConvGeometry(napi_env env, const char* fn, const scorekit::ConvShape& s, bool nonEmpty, bool inside) {
  if (s.sH < 1 || s.sW < 1 || s.dH < 1 || s.dW < 1)
    return throwError(env, std::string(fn) + ": strides and dilations must be at least 1", true);
  if (nonEmpty && (s.kH < 1 || s.kW < 1))
    return throwError(env, std::string(fn) + ": the filter must have at least one tap", true);
  if (nonEmpty && inside &&
      ((s.outH - 1) * s.sH + (s.kH - 1) * s.dH >= s.inH || (s.outW - 1) * s.sW + (s.kW - 1) * s.dW >= s.inW))
    return throwError(env, std::string(fn) + ": the output and taps reach past the padded input", true);
  return true;
}

// The convolution's operands inside the heap (x, the packed filter and the strided output), else a RangeError.
bool convRanges(napi_env env, const char* fn, const scorekit::ConvShape& s, int64_t x, int64_t w, int64_t out,
                int64_t len) {
  if (x % 4 != 0 || w % 4 != 0 || out % 4 != 0)
    return throwError(env, std::string(fn) + ": x, w and out must be multiples of 4 bytes", true);
  if (s.batch * s.outH * s.outW * s.outC == 0) return true;
  if (s.inC < 1) return throwError(env, std::string(fn) + ": the input has no channels", true);
  const int64_t panels = (s.outC + 15) / 16;
  const int64_t outEnd =
      out + ((s.batch - 1) * s.outImageStride + (s.outH - 1) * s.outRowStride + (s.outW - 1) * s.outPixelStride + s.outC) * 4;
  if (x + s.batch * s.inH * s.inW * s.inC * 4 > len || w + panels * s.kH * s.kW * s.inC * 16 * 4 > len || outEnd > len)
    return throwError(env, std::string(fn) + ": an operand reaches past the end of the heap (" + std::to_string(len) + " bytes)", true);
  return true;
}

// The filter gradient's operands inside the heap, else a RangeError.
bool filterGradRanges(napi_env env, const char* fn, const scorekit::ConvShape& s, int64_t x, int64_t dy, int64_t dw,
                      int64_t len) {
  if (x % 4 != 0 || dy % 4 != 0 || dw % 4 != 0)
    return throwError(env, std::string(fn) + ": x, dy and dw must be multiples of 4 bytes", true);
  const int64_t pixels = s.batch * s.outH * s.outW;
  if ((pixels > 0 && x + s.batch * s.inH * s.inW * s.inC * 4 > len) || dy + pixels * s.outC * 4 > len ||
      dw + s.kH * s.kW * s.inC * s.outC * 4 > len)
    return throwError(env, std::string(fn) + ": an operand reaches past the end of the heap (" + std::to_string(len) + " bytes)", true);
  return true;
}

// conv(heap, x, batch, paddedH, paddedW, inC, w, kH, kW, dH, dW, sH, sW, outH, outW, outC, out, outPixelStride,
// outRowStride, outImageStride, threads): an already zero-padded input (the first API; conv2d pads implicitly).
napi_value Conv(napi_env env, napi_callback_info info) {
  napi_value argv[21];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "conv",
                "conv(heap, x, batch, paddedH, paddedW, inC, w, kH, kW, dH, dW, sH, sW, outH, outW, outC, out, "
                "outPixelStride, outRowStride, outImageStride, threads)",
                21, argv, heap, len))
    return nullptr;
  static const char* names[] = {"x",  "batch", "paddedH", "paddedW", "inC",  "w",    "kH",
                                "kW", "dH",    "dW",      "sH",      "sW",   "outH", "outW",
                                "outC", "out", "outPixelStride", "outRowStride", "outImageStride", "threads"};
  int64_t v[20];
  if (!integers(env, argv + 1, "conv", names, 20, v)) return nullptr;
  if (!belowLimit(env, "conv", names, v, 19)) return nullptr;
  const int64_t x = v[0], w = v[5], out = v[15];
  const scorekit::ConvShape s{v[1], v[2], v[3], v[4], 0, 0, v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14],
                              v[16], v[17], v[18]};
  const bool empty = s.batch * s.outH * s.outW * s.outC == 0;
  if (!validConvGeometry(env, "conv", s, !empty, true) || !convRanges(env, "conv", s, x, w, out, len)) return nullptr;
  scorekit::conv(s, reinterpret_cast<const float*>(heap + x), reinterpret_cast<const float*>(heap + w),
                 reinterpret_cast<float*>(heap + out), threadCount(v[19]));
  return nullptr;
}

// conv2d(heap, x, batch, inH, inW, inC, padTop, padLeft, w, bias, kH, kW, dH, dW, sH, sW, outH, outW, outC, out,
// outPixelStride, outRowStride, outImageStride, threads): see conv.h; x unpadded (zeros outside it are implicit);
// bias the byte offset of outC floats, or 0 for none.
napi_value Conv2d(napi_env env, napi_callback_info info) {
  napi_value argv[24];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "conv2d",
                "conv2d(heap, x, batch, inH, inW, inC, padTop, padLeft, w, bias, kH, kW, dH, dW, sH, sW, outH, outW, "
                "outC, out, outPixelStride, outRowStride, outImageStride, threads)",
                24, argv, heap, len))
    return nullptr;
  static const char* names[] = {"x",  "batch", "inH", "inW", "inC", "padTop", "padLeft", "w", "bias", "kH", "kW",
                                "dH", "dW", "sH", "sW", "outH", "outW", "outC", "out", "outPixelStride",
                                "outRowStride", "outImageStride", "threads"};
  int64_t v[23];
  if (!integers(env, argv + 1, "conv2d", names, 23, v, 5, 7)) return nullptr;
  if (!belowLimit(env, "conv2d", names, v, 22)) return nullptr;
  const int64_t x = v[0], w = v[7], bias = v[8], out = v[18];
  const scorekit::ConvShape s{v[1], v[2], v[3], v[4], v[5], v[6], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16],
                              v[17], v[19], v[20], v[21]};
  const bool empty = s.batch * s.outH * s.outW * s.outC == 0;
  if (!validConvGeometry(env, "conv2d", s, !empty, false) || !convRanges(env, "conv2d", s, x, w, out, len)) return nullptr;
  if (bias % 4 != 0 || bias + 4 * s.outC > len) {
    throwError(env, "conv2d: bias must be a multiple of 4 bytes with its outC floats inside the heap", true);
    return nullptr;
  }
  scorekit::conv(s, reinterpret_cast<const float*>(heap + x), reinterpret_cast<const float*>(heap + w),
                 reinterpret_cast<float*>(heap + out), threadCount(v[22]),
                 bias != 0 ? reinterpret_cast<const float*>(heap + bias) : nullptr);
  return nullptr;
}

// conv2dFused(heap, x, batch, inH, inW, inC, padTop, padLeft, w, kH, kW, dH, dW, sH, sW, outH, outW, outC, out, bias,
// sampleBias, residual, scale, threads): conv2d into a dense output with conv.h's epilogue — bias (outC floats),
// sampleBias ([batch][outC]) and residual (shaped like the output) byte offsets, each 0 for none, then × scale.
napi_value Conv2dFused(napi_env env, napi_callback_info info) {
  napi_value argv[24];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "conv2dFused",
                "conv2dFused(heap, x, batch, inH, inW, inC, padTop, padLeft, w, kH, kW, dH, dW, sH, sW, outH, outW, "
                "outC, out, bias, sampleBias, residual, scale, threads)",
                24, argv, heap, len))
    return nullptr;
  static const char* names[] = {"x",  "batch", "inH", "inW", "inC",  "padTop", "padLeft", "w",    "kH",         "kW",
                                "dH", "dW",    "sH",  "sW",  "outH", "outW",   "outC",    "out",  "bias", "sampleBias",
                                "residual"};
  int64_t v[21];
  if (!integers(env, argv + 1, "conv2dFused", names, 21, v, 5, 7)) return nullptr;
  if (!belowLimit(env, "conv2dFused", names, v, 21)) return nullptr;
  static const char* threadName[] = {"threads"};
  int64_t threads;
  if (!integers(env, argv + 23, "conv2dFused", threadName, 1, &threads)) return nullptr;
  double scale;
  if (napi_get_value_double(env, argv[22], &scale) != napi_ok || !std::isfinite(scale)) {
    throwError(env, "conv2dFused: scale must be a finite number");
    return nullptr;
  }
  const int64_t x = v[0], w = v[7], out = v[17], bias = v[18], sampleBias = v[19], residual = v[20];
  const scorekit::ConvShape s{v[1], v[2], v[3], v[4], v[5], v[6], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15],
                              v[16], v[16], v[15] * v[16], v[14] * v[15] * v[16]};
  const bool empty = s.batch * s.outH * s.outW * s.outC == 0;
  if (!validConvGeometry(env, "conv2dFused", s, !empty, false) || !convRanges(env, "conv2dFused", s, x, w, out, len))
    return nullptr;
  const int64_t offs[] = {bias, sampleBias, residual};
  const int64_t sizes[] = {s.outC, s.batch * s.outC, s.batch * s.outH * s.outW * s.outC};
  for (int i = 0; i < 3; i++) {
    if (offs[i] != 0 && !floatArrays(env, "conv2dFused", names + 18 + i, offs + i, sizes + i, 1, len)) return nullptr;
  }
  auto at = [&](int64_t o) { return o != 0 ? reinterpret_cast<const float*>(heap + o) : nullptr; };
  scorekit::ConvEpilogue e;
  e.bias = at(bias);
  e.sampleBias = at(sampleBias);
  e.residual = at(residual);
  e.scaled = scale != 1.0;
  e.scale = static_cast<float>(scale);
  scorekit::conv(s, reinterpret_cast<const float*>(heap + x), reinterpret_cast<const float*>(heap + w),
                 reinterpret_cast<float*>(heap + out), threadCount(threads), e);
  return nullptr;
}

// convFilterGrad(heap, x, batch, paddedH, paddedW, inC, dy, kH, kW, dH, dW, sH, sW, outH, outW, outC, dw, threads):
// an already zero-padded input (the first API; conv2dFilterGrad pads implicitly).
napi_value ConvFilterGrad(napi_env env, napi_callback_info info) {
  napi_value argv[18];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "convFilterGrad",
                "convFilterGrad(heap, x, batch, paddedH, paddedW, inC, dy, kH, kW, dH, dW, sH, sW, outH, outW, outC, "
                "dw, threads)",
                18, argv, heap, len))
    return nullptr;
  static const char* names[] = {"x", "batch", "paddedH", "paddedW", "inC", "dy", "kH", "kW", "dH",
                                "dW", "sH", "sW", "outH", "outW", "outC", "dw", "threads"};
  int64_t v[17];
  if (!integers(env, argv + 1, "convFilterGrad", names, 17, v)) return nullptr;
  if (!belowLimit(env, "convFilterGrad", names, v, 16)) return nullptr;
  const int64_t x = v[0], dy = v[5], dw = v[15];
  const scorekit::ConvShape s{v[1], v[2], v[3], v[4], 0, 0, v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], 0, 0, 0};
  const int64_t pixels = s.batch * s.outH * s.outW;
  if (!validConvGeometry(env, "convFilterGrad", s, pixels > 0, true) ||
      !filterGradRanges(env, "convFilterGrad", s, x, dy, dw, len))
    return nullptr;
  scorekit::convFilterGrad(s, reinterpret_cast<const float*>(heap + x), reinterpret_cast<const float*>(heap + dy),
                           reinterpret_cast<float*>(heap + dw), threadCount(v[16]));
  return nullptr;
}

// conv2dFilterGrad(heap, x, batch, inH, inW, inC, padTop, padLeft, dy, kH, kW, dH, dW, sH, sW, outH, outW, outC, dw,
// threads): see conv.h; x unpadded.
napi_value Conv2dFilterGrad(napi_env env, napi_callback_info info) {
  napi_value argv[20];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "conv2dFilterGrad",
                "conv2dFilterGrad(heap, x, batch, inH, inW, inC, padTop, padLeft, dy, kH, kW, dH, dW, sH, sW, outH, "
                "outW, outC, dw, threads)",
                20, argv, heap, len))
    return nullptr;
  static const char* names[] = {"x", "batch", "inH", "inW", "inC", "padTop", "padLeft", "dy", "kH", "kW", "dH",
                                "dW", "sH", "sW", "outH", "outW", "outC", "dw", "threads"};
  int64_t v[19];
  if (!integers(env, argv + 1, "conv2dFilterGrad", names, 19, v, 5, 7)) return nullptr;
  if (!belowLimit(env, "conv2dFilterGrad", names, v, 18)) return nullptr;
  const int64_t x = v[0], dy = v[7], dw = v[17];
  const scorekit::ConvShape s{v[1], v[2], v[3], v[4], v[5], v[6], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], 0, 0, 0};
  const int64_t pixels = s.batch * s.outH * s.outW;
  if (!validConvGeometry(env, "conv2dFilterGrad", s, pixels > 0, false) ||
      !filterGradRanges(env, "conv2dFilterGrad", s, x, dy, dw, len))
    return nullptr;
  scorekit::convFilterGrad(s, reinterpret_cast<const float*>(heap + x), reinterpret_cast<const float*>(heap + dy),
                           reinterpret_cast<float*>(heap + dw), threadCount(v[18]));
  return nullptr;
}

// adam(heap, w, g, m, v, wOut, mOut, vOut, count, beta1, beta2, epsilon, learningRate, oneMinusAccBeta1,
// oneMinusAccBeta2): byte offsets of float32 arrays of `count` values; scalars as numbers (rounded to float32 as
// tfjs's scalar tensors are).
napi_value Adam(napi_env env, napi_callback_info info) {
  napi_value argv[15];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "adam",
                "adam(heap, w, g, m, v, wOut, mOut, vOut, count, beta1, beta2, epsilon, learningRate, "
                "oneMinusAccBeta1, oneMinusAccBeta2)",
                15, argv, heap, len))
    return nullptr;
  static const char* names[] = {"w", "g", "m", "v", "wOut", "mOut", "vOut", "count"};
  int64_t v[8];
  if (!integers(env, argv + 1, "adam", names, 8, v)) return nullptr;
  double x[6];
  for (int i = 0; i < 6; i++) {
    if (napi_get_value_double(env, argv[9 + i], &x[i]) != napi_ok || !std::isfinite(x[i])) {
      throwError(env, "adam: beta1, beta2, epsilon, learningRate and the bias corrections must be finite numbers");
      return nullptr;
    }
  }
  const int64_t count = v[7];
  for (int i = 0; i < 7; i++) {
    if (v[i] % 4 != 0 || v[i] + 4 * count > len) {
      throwError(env, std::string("adam: ") + names[i] + " is not a float array inside the heap (" +
                          std::to_string(len) + " bytes)", true);
      return nullptr;
    }
  }
  // the scalars as tfjs makes them: 1 − β in double, then float32; −lr likewise
  const scorekit::AdamScalars s{static_cast<float>(x[0]), static_cast<float>(1 - x[0]), static_cast<float>(x[1]),
                                static_cast<float>(1 - x[1]), static_cast<float>(x[4]), static_cast<float>(x[5]),
                                static_cast<float>(x[2]), static_cast<float>(-x[3])};
  auto at = [&](int i) { return reinterpret_cast<float*>(heap + v[i]); };
  scorekit::adamStep(s, at(0), at(1), at(2), at(3), at(4), at(5), at(6), count);
  return nullptr;
}

// The shape arguments n, pixels, channels, groups: channels divisible by groups ≥ 1.
bool groupNormShape(napi_env env, const char* fn, const napi_value* args, scorekit::GroupNormShape& s) {
  static const char* names[] = {"n", "pixels", "channels", "groups"};
  int64_t v[4];
  if (!integers(env, args, fn, names, 4, v)) return false;
  if (v[3] < 1 || v[2] % v[3] != 0)
    return throwError(env, std::string(fn) + ": groups must be ≥ 1 and divide channels");
  if (v[0] > INT32_MAX || v[1] > INT32_MAX || v[2] > INT32_MAX)
    return throwError(env, std::string(fn) + ": n, pixels and channels must be below 2^31", true);
  s = {v[0], v[1], v[2], v[3]};
  return true;
}

// groupNorm(heap, x, gamma, beta, y, mean, rstd, n, pixels, channels, groups, epsilon, silu, threads)
napi_value GroupNorm(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "groupNorm",
                "groupNorm(heap, x, gamma, beta, y, mean, rstd, n, pixels, channels, groups, epsilon, silu, threads)",
                14, argv, heap, len))
    return nullptr;
  static const char* names[] = {"x", "gamma", "beta", "y", "mean", "rstd"};
  int64_t o[6], flags[2];
  scorekit::GroupNormShape s;
  static const char* flagNames[] = {"silu", "threads"};
  double epsilon;
  if (!integers(env, argv + 1, "groupNorm", names, 6, o) || !groupNormShape(env, "groupNorm", argv + 7, s) ||
      !integers(env, argv + 12, "groupNorm", flagNames, 2, flags))
    return nullptr;
  if (napi_get_value_double(env, argv[11], &epsilon) != napi_ok || !(epsilon >= 0) || !std::isfinite(epsilon)) {
    throwError(env, "groupNorm: epsilon must be a finite number ≥ 0");
    return nullptr;
  }
  const int64_t all = s.n * s.pixels * s.channels;
  const int64_t sizes[] = {all, s.channels, s.channels, all, s.n * s.groups, s.n * s.groups};
  if (!floatArrays(env, "groupNorm", names, o, sizes, 6, len)) return nullptr;
  auto f = [&](int i) { return reinterpret_cast<float*>(heap + o[i]); };
  scorekit::groupNormForward(s, f(0), f(1), f(2), f(3), f(4), f(5), static_cast<float>(epsilon), flags[0] != 0,
                             threadCount(flags[1]));
  return nullptr;
}

// groupNormGrad(heap, dy, x, gamma, beta, mean, rstd, dx, dgamma, dbeta, n, pixels, channels, groups, silu, threads)
napi_value GroupNormGrad(napi_env env, napi_callback_info info) {
  napi_value argv[16];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "groupNormGrad",
                "groupNormGrad(heap, dy, x, gamma, beta, mean, rstd, dx, dgamma, dbeta, n, pixels, channels, groups, "
                "silu, threads)",
                16, argv, heap, len))
    return nullptr;
  static const char* names[] = {"dy", "x", "gamma", "beta", "mean", "rstd", "dx", "dgamma", "dbeta"};
  int64_t o[9], flags[2];
  scorekit::GroupNormShape s;
  static const char* flagNames[] = {"silu", "threads"};
  if (!integers(env, argv + 1, "groupNormGrad", names, 9, o) || !groupNormShape(env, "groupNormGrad", argv + 10, s) ||
      !integers(env, argv + 14, "groupNormGrad", flagNames, 2, flags))
    return nullptr;
  const int64_t all = s.n * s.pixels * s.channels;
  const int64_t sizes[] = {all, all, s.channels, s.channels, s.n * s.groups, s.n * s.groups, all, s.channels, s.channels};
  if (!floatArrays(env, "groupNormGrad", names, o, sizes, 9, len)) return nullptr;
  auto f = [&](int i) { return reinterpret_cast<float*>(heap + o[i]); };
  scorekit::groupNormBackward(s, f(0), f(1), f(2), f(3), f(4), f(5), f(6), f(7), f(8), flags[0] != 0,
                              threadCount(flags[1]));
  return nullptr;
}

// dropoutMask(heap, out, count, rate, scale, state[, threads]): count floats at byte offset `out`; `state` an
// Int32Array or Uint32Array of the generator's four words, advanced in place; threads 1 when left out (the first API).
napi_value DropoutMask(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  size_t argc = 7;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const size_t given = argc == 6 ? 6 : 7;
  if (!readCall(env, info, "dropoutMask", "dropoutMask(heap, out, count, rate, scale, state, threads)", given, argv, heap, len))
    return nullptr;
  int64_t threads = 1;
  static const char* threadName[] = {"threads"};
  if (given == 7 && !integers(env, argv + 6, "dropoutMask", threadName, 1, &threads)) return nullptr;
  static const char* names[] = {"out", "count"};
  int64_t v[2];
  if (!integers(env, argv + 1, "dropoutMask", names, 2, v)) return nullptr;
  double rate, scale;
  if (napi_get_value_double(env, argv[3], &rate) != napi_ok || !(rate >= 0 && rate < 1) ||
      napi_get_value_double(env, argv[4], &scale) != napi_ok || !std::isfinite(scale)) {
    throwError(env, "dropoutMask: rate must be a number in [0, 1) and scale a finite number");
    return nullptr;
  }
  bool isTyped = false;
  napi_is_typedarray(env, argv[5], &isTyped);
  napi_typedarray_type type;
  size_t words = 0;
  void* data = nullptr;
  if (!isTyped || napi_get_typedarray_info(env, argv[5], &type, &words, &data, nullptr, nullptr) != napi_ok ||
      (type != napi_int32_array && type != napi_uint32_array) || words != 4) {
    throwError(env, "dropoutMask: state must be an Int32Array or Uint32Array of 4 words");
    return nullptr;
  }
  const int64_t out = v[0], count = v[1];
  if (out % 4 != 0 || count >= (int64_t{1} << 40) || out + 4 * count > len) {
    throwError(env, "dropoutMask: out must be a multiple of 4 bytes and the mask inside the heap (" + std::to_string(len) + " bytes)", true);
    return nullptr;
  }
  scorekit::dropoutMask(static_cast<uint32_t*>(data), reinterpret_cast<float*>(heap + out), count, rate,
                        static_cast<float>(scale), threadCount(threads));
  return nullptr;
}

// arithmetic(heap, op, a, b, out, count, period, repeat, threads): op 0 add, 1 subtract, 2 multiply; a and out `count`
// floats, b count / repeat floats; see elementwise.h.
napi_value Arithmetic(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "arithmetic", "arithmetic(heap, op, a, b, out, count, period, repeat, threads)", 9, argv, heap, len))
    return nullptr;
  static const char* names[] = {"op", "a", "b", "out", "count", "period", "repeat", "threads"};
  int64_t v[8];
  if (!integers(env, argv + 1, "arithmetic", names, 8, v)) return nullptr;
  const int64_t op = v[0], count = v[4], period = v[5], repeat = v[6];
  if (op > 2) {
    throwError(env, "arithmetic: op must be 0 (add), 1 (subtract) or 2 (multiply)");
    return nullptr;
  }
  if (count >= (int64_t{1} << 40) || period < 1 || repeat < 1 || count % (period * repeat) != 0) {
    throwError(env, "arithmetic: period and repeat must be ≥ 1 with count a multiple of period·repeat", true);
    return nullptr;
  }
  const int64_t offs[] = {v[1], v[2], v[3]};
  const int64_t sizes[] = {count, count / repeat, count};
  if (!floatArrays(env, "arithmetic", names + 1, offs, sizes, 3, len)) return nullptr;
  auto f = [&](int64_t o) { return reinterpret_cast<float*>(heap + o); };
  scorekit::binary(static_cast<scorekit::BinaryOp>(op), f(v[1]), f(v[2]), f(v[3]), count, period, repeat,
                   threadCount(v[7]));
  return nullptr;
}

// sumMiddle(heap, x, out, outer, middle, inner, threads): x [outer][middle][inner] floats, out [outer][inner]; see
// elementwise.h.
napi_value SumMiddle(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "sumMiddle", "sumMiddle(heap, x, out, outer, middle, inner, threads)", 7, argv, heap, len))
    return nullptr;
  static const char* names[] = {"x", "out", "outer", "middle", "inner", "threads"};
  int64_t v[6];
  if (!integers(env, argv + 1, "sumMiddle", names, 6, v)) return nullptr;
  const int64_t outer = v[2], middle = v[3], inner = v[4];
  if (outer >= (int64_t{1} << 31) || middle >= (int64_t{1} << 31) || inner >= (int64_t{1} << 31) ||
      outer * middle * inner >= (int64_t{1} << 40)) {
    throwError(env, "sumMiddle: outer, middle and inner must be below 2^31 and their product below 2^40", true);
    return nullptr;
  }
  const int64_t offs[] = {v[0], v[1]};
  const int64_t sizes[] = {outer * middle * inner, outer * inner};
  if (!floatArrays(env, "sumMiddle", names, offs, sizes, 2, len)) return nullptr;
  scorekit::sumMiddle(reinterpret_cast<const float*>(heap + v[0]), reinterpret_cast<float*>(heap + v[1]), outer, middle,
                      inner, threadCount(v[5]));
  return nullptr;
}

// upsample2x(heap, x, out, n, h, w, c, threads) and sumPool2x(heap, dy, out, n, h, w, c, threads): see
// elementwise.h; the small side [n, h, w, c], the large one [n, 2h, 2w, c].
template <bool Up>
napi_value Resize2x(napi_env env, napi_callback_info info) {
  const char* fn = Up ? "upsample2x" : "sumPool2x";
  napi_value argv[8];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, fn, std::string(fn) + (Up ? "(heap, x, out, n, h, w, c, threads)" : "(heap, dy, out, n, h, w, c, threads)"), 8,
                argv, heap, len))
    return nullptr;
  static const char* upNames[] = {"x", "out", "n", "h", "w", "c", "threads"};
  static const char* poolNames[] = {"dy", "out", "n", "h", "w", "c", "threads"};
  const char* const* names = Up ? upNames : poolNames;
  int64_t v[7];
  if (!integers(env, argv + 1, fn, names, 7, v) || !belowLimit(env, fn, names, v, 6)) return nullptr;
  const int64_t n = v[2], h = v[3], w = v[4], c = v[5];
  if (n * h * w * c >= (int64_t{1} << 38)) {
    throwError(env, std::string(fn) + ": n·h·w·c must be below 2^38", true);
    return nullptr;
  }
  const int64_t small = n * h * w * c;
  const int64_t sizes[] = {Up ? small : 4 * small, Up ? 4 * small : small};
  if (!floatArrays(env, fn, names, v, sizes, 2, len)) return nullptr;
  auto f = [&](int64_t o) { return reinterpret_cast<float*>(heap + o); };
  if (Up)
    scorekit::upsample2x(f(v[0]), f(v[1]), n, h, w, c, threadCount(v[6]));
  else
    scorekit::sumPool2x(f(v[0]), f(v[1]), n, h, w, c, threadCount(v[6]));
  return nullptr;
}

// copyRows(heap, src, srcStride, dst, dstStride, rows, bytes, threads): byte offsets and strides; see elementwise.h.
napi_value CopyRows(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  uint8_t* heap = nullptr;
  int64_t len = 0;
  if (!readCall(env, info, "copyRows", "copyRows(heap, src, srcStride, dst, dstStride, rows, bytes, threads)", 8, argv, heap, len))
    return nullptr;
  static const char* names[] = {"src", "srcStride", "dst", "dstStride", "rows", "bytes", "threads"};
  int64_t v[7];
  if (!integers(env, argv + 1, "copyRows", names, 7, v) || !belowLimit(env, "copyRows", names, v, 6)) return nullptr;
  const int64_t src = v[0], ss = v[1], dst = v[2], ds = v[3], rows = v[4], bytes = v[5];
  if (rows > 0 && bytes > 0 &&
      (src + (rows - 1) * ss + bytes > len || dst + (rows - 1) * ds + bytes > len)) {
    throwError(env, "copyRows: a row reaches past the end of the heap (" + std::to_string(len) + " bytes)", true);
    return nullptr;
  }
  scorekit::copyRows(heap + src, ss, heap + dst, ds, rows, bytes, threadCount(v[6]));
  return nullptr;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value gemm, supported;
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, Gemm, nullptr, &gemm);
  napi_get_boolean(env, scorekit::gemmSupported(), &supported);
  napi_set_named_property(env, exports, "gemm", gemm);
  napi_set_named_property(env, exports, "cpuSupported", supported);
  napi_value silu, siluDerivative;
  napi_create_function(env, "silu", NAPI_AUTO_LENGTH, Activate<scorekit::Activation::Silu>, nullptr, &silu);
  napi_create_function(env, "siluDerivative", NAPI_AUTO_LENGTH, Activate<scorekit::Activation::SiluDerivative>,
                       nullptr, &siluDerivative);
  napi_set_named_property(env, exports, "silu", silu);
  napi_value conv;
  napi_create_function(env, "conv", NAPI_AUTO_LENGTH, Conv, nullptr, &conv);
  napi_set_named_property(env, exports, "conv", conv);
  napi_value adam;
  napi_create_function(env, "adam", NAPI_AUTO_LENGTH, Adam, nullptr, &adam);
  napi_set_named_property(env, exports, "adam", adam);
  napi_value filterGrad;
  napi_create_function(env, "convFilterGrad", NAPI_AUTO_LENGTH, ConvFilterGrad, nullptr, &filterGrad);
  napi_set_named_property(env, exports, "convFilterGrad", filterGrad);
  napi_value conv2d, conv2dFilterGrad;
  napi_create_function(env, "conv2d", NAPI_AUTO_LENGTH, Conv2d, nullptr, &conv2d);
  napi_create_function(env, "conv2dFilterGrad", NAPI_AUTO_LENGTH, Conv2dFilterGrad, nullptr, &conv2dFilterGrad);
  napi_set_named_property(env, exports, "conv2d", conv2d);
  napi_set_named_property(env, exports, "conv2dFilterGrad", conv2dFilterGrad);
  napi_value conv2dFused;
  napi_create_function(env, "conv2dFused", NAPI_AUTO_LENGTH, Conv2dFused, nullptr, &conv2dFused);
  napi_set_named_property(env, exports, "conv2dFused", conv2dFused);
  napi_set_named_property(env, exports, "siluDerivative", siluDerivative);
  napi_value groupNorm, groupNormGrad;
  napi_create_function(env, "groupNorm", NAPI_AUTO_LENGTH, GroupNorm, nullptr, &groupNorm);
  napi_create_function(env, "groupNormGrad", NAPI_AUTO_LENGTH, GroupNormGrad, nullptr, &groupNormGrad);
  napi_set_named_property(env, exports, "groupNorm", groupNorm);
  napi_set_named_property(env, exports, "groupNormGrad", groupNormGrad);
  napi_value dropoutMask;
  napi_create_function(env, "dropoutMask", NAPI_AUTO_LENGTH, DropoutMask, nullptr, &dropoutMask);
  napi_set_named_property(env, exports, "dropoutMask", dropoutMask);
  napi_value arithmetic, sumMiddle;
  napi_create_function(env, "arithmetic", NAPI_AUTO_LENGTH, Arithmetic, nullptr, &arithmetic);
  napi_create_function(env, "sumMiddle", NAPI_AUTO_LENGTH, SumMiddle, nullptr, &sumMiddle);
  napi_set_named_property(env, exports, "arithmetic", arithmetic);
  napi_set_named_property(env, exports, "sumMiddle", sumMiddle);
  napi_value upsample2x, sumPool2x;
  napi_create_function(env, "upsample2x", NAPI_AUTO_LENGTH, Resize2x<true>, nullptr, &upsample2x);
  napi_create_function(env, "sumPool2x", NAPI_AUTO_LENGTH, Resize2x<false>, nullptr, &sumPool2x);
  napi_set_named_property(env, exports, "upsample2x", upsample2x);
  napi_set_named_property(env, exports, "sumPool2x", sumPool2x);
  napi_value copyRows;
  napi_create_function(env, "copyRows", NAPI_AUTO_LENGTH, CopyRows, nullptr, &copyRows);
  napi_set_named_property(env, exports, "copyRows", copyRows);
  return exports;
}
