import * as tf from '@tensorflow/tfjs-core';
import { convFilterGrad, convGeometry } from '../internal/conv.js';
import { requireFloat, requireNhwc, requireRank4 } from '../internal/convAttrs.js';
import { runtimeFor } from '../internal/WasmRuntime.js';

/**
 * `Conv2DBackpropFilter` (the filter gradient of conv2d), which tfjs-backend-wasm lacks: without it no conv net
 * trains on wasm. dW[kh, kw, ci, co] = Σ over images and output pixels of x[pixel·stride + tap − pad, ci]·dy[pixel, co],
 * computed tile by tile in registers with no im2col buffer.
 */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const kernel = 'Conv2DBackpropFilter';
    requireFloat(x, 'x', kernel);
    requireFloat(dy, 'dy', kernel);
    requireRank4(x, 'x', kernel);
    requireRank4(dy, 'dy', kernel);
    requireRank4(filterShape, 'filterShape', kernel);
    requireNhwc(dataFormat, kernel);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const g = convGeometry(info);
    if (dy.shape[1] !== g.outH || dy.shape[2] !== g.outW || dy.shape[3] !== g.outC || dy.shape[0] !== g.batch) {
      throw new Error(
        `${kernel} on wasm: dy shape [${dy.shape}] does not match the convolution output [${info.outShape}] of ` +
          `x [${x.shape}] and filter [${filterShape}]`,
      );
    }
    const rt = runtimeFor(backend);
    const out = rt.backend.makeOutput([...filterShape], 'float32');
    const size = tf.util.sizeFromShape(filterShape);
    if (size === 0) return out;
    if (g.batch * g.outH * g.outW === 0) {
      rt.f32.fill(0, rt.offset(out) >>> 2, (rt.offset(out) >>> 2) + size);
      return out;
    }
    convFilterGrad(rt, g, rt.offset(x), rt.offset(dy), rt.offset(out));
    return out;
  },
};
