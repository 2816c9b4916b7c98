import * as tf from '@tensorflow/tfjs-core';
import { convGeometry, directConv } from '../internal/conv.js';
import { requireFloat, requireNhwc, requireRank4 } from '../internal/convAttrs.js';
import { runtimeFor } from '../internal/WasmRuntime.js';

/**
 * `Conv2DBackpropInput` (the input gradient of conv2d, and conv2dTranspose) for the wasm backend: itself a
 * convolution, of dy dilated by the stride and padded by (filter − 1 − pad), with the filter flipped and its
 * channels swapped (Dumoulin & Visin 2016, "A guide to convolution arithmetic", §4). tfjs-backend-wasm's own
 * kernel is a scalar loop, ~10× slower.
 */
/**
 * Output rows y = s·i + p of a strided convolution's input gradient receive dy[i + shift − m]·W[first + s·m] for
 * m < taps, where first ≡ p + pad (mod s) (Dumoulin & Visin 2016, §4.5: transposed convolution as the sum of
 * s sub-pixel convolutions).
 */
function phase(p: number, pad: number, s: number, k: number, size: number): { first: number; taps: number; shift: number; count: number } {
  const first = (((p + pad) % s) + s) % s;
  const taps = first < k ? Math.ceil((k - first) / s) : 0;
  return { first, taps, shift: (p + pad - first) / s, count: Math.ceil((size - p) / s) };
}

function zeroPhase(
  f: Float32Array,
  base: number,
  batch: number,
  rows: number,
  cols: number,
  channels: number,
  st: { outPixelStride: number; outRowStride: number; outImageStride: number },
): void {
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const d = (base >>> 2) + n * st.outImageStride + i * st.outRowStride + j * st.outPixelStride;
        f.fill(0, d, d + channels);
      }
    }
  }
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const kernel = 'Conv2DBackpropInput';
    requireFloat(dy, 'dy', kernel);
    requireFloat(filter, 'filter', kernel);
    requireRank4(dy, 'dy', kernel);
    requireRank4(filter, 'filter', kernel);
    requireRank4(inputShape, 'inputShape', kernel);
    requireNhwc(dataFormat, kernel);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const g = convGeometry(info);
    if (dy.shape[1] !== g.outH || dy.shape[2] !== g.outW || dy.shape[3] !== g.outC || dy.shape[0] !== g.batch) {
      throw new Error(
        `${kernel} on wasm: dy shape [${dy.shape}] does not match the convolution output [${info.outShape}] of ` +
          `input [${inputShape}] and filter [${filter.shape}]`,
      );
    }
    const rt = runtimeFor(backend);
    const out = rt.backend.makeOutput([...inputShape], 'float32');
    const size = tf.util.sizeFromShape(inputShape);
    if (size === 0) return out;
    if (g.outC === 0 || g.outH * g.outW === 0) {
      rt.f32.fill(0, rt.offset(out) >>> 2, (rt.offset(out) >>> 2) + size);
      return out;
    }
    const w = rt.offset(filter) >>> 2;
    const { kH, kW, sH, sW, inH, inW, inC, outC } = g;
    const o = rt.offset(out);
    // One stride-1 convolution per output phase (py, px): dx[sH·i + py, sW·j + px] only sees the taps
    // kh ≡ py + padTop (mod sH), so no multiply is spent on the zeros a dilated dy would hold.
    for (let py = 0; py < Math.min(sH, inH); py++) {
      const ph = phase(py, g.padTop, sH, kH, inH);
      for (let px = 0; px < Math.min(sW, inW); px++) {
        const pw = phase(px, g.padLeft, sW, kW, inW);
        const base = o + (py * inW + px) * inC * 4;
        const strides = { outPixelStride: sW * inC, outRowStride: sH * inW * inC, outImageStride: inH * inW * inC };
        if (ph.taps === 0 || pw.taps === 0) {
          zeroPhase(rt.f32, base, g.batch, ph.count, pw.count, inC, strides);
          continue;
        }
        directConv(rt, {
          input: rt.offset(dy),
          inputShape: dy.shape as [number, number, number, number],
          top: ph.taps - 1 - ph.shift,
          left: pw.taps - 1 - pw.shift,
          placeH: 1,
          placeW: 1,
          outH: ph.count,
          outW: pw.count,
          outC: inC,
          kH: ph.taps,
          kW: pw.taps,
          sH: 1,
          sW: 1,
          dH: 1,
          dW: 1,
          // tap (m', n') of the phase reads dy[i + shift − (taps − 1) + m'] with filter row first + s·(taps − 1 − m')
          filter: {
            offset: w,
            fIn: inC,
            fOut: outC,
            taps: Array.from({ length: ph.taps * pw.taps }, (_, t) => {
              const kh = ph.first + sH * (ph.taps - 1 - Math.floor(t / pw.taps));
              const kw = pw.first + sW * (pw.taps - 1 - (t % pw.taps));
              return kh * kW + kw;
            }),
            swap: true,
          },
          output: base,
          ...strides,
        });
      }
    }
    return out;
  },
};
