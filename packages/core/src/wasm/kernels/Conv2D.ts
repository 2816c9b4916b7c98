import * as tf from '@tensorflow/tfjs-core';
import { convGeometry, directConv, forwardConvJob, forwardFilter } from '../internal/conv.js';
import { requireFloat, requireNhwc, requireRank4 } from '../internal/convAttrs.js';
import { runtimeFor } from '../internal/WasmRuntime.js';

/**
 * `Conv2D` for the wasm backend (NHWC, any stride, dilation and padding): a direct convolution generated for the
 * layer's shape, which runs 2–3× faster than XNNPACK's on the small-channel layers of score networks.
 */
export const conv2DConfig: tf.KernelConfig = {
  kernelName: tf.Conv2D,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
    const kernel = 'Conv2D';
    requireFloat(x, 'x', kernel);
    requireFloat(filter, 'filter', kernel);
    requireRank4(x, 'x', kernel);
    requireRank4(filter, 'filter', kernel);
    requireNhwc(dataFormat, kernel);
    if (x.shape[3] !== filter.shape[2]) {
      throw new Error(`${kernel} on wasm: x has ${x.shape[3]} channels but filter expects ${filter.shape[2]} (filter shape [${filter.shape}])`);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations ?? 1,
      pad,
      dimRoundingMode,
    );
    const g = convGeometry(info);
    const rt = runtimeFor(backend);
    const out = rt.backend.makeOutput(info.outShape, 'float32');
    if (tf.util.sizeFromShape(info.outShape) === 0) return out;
    if (g.inC === 0 || g.kH * g.kW === 0) {
      rt.f32.fill(0, rt.offset(out) >>> 2, (rt.offset(out) >>> 2) + tf.util.sizeFromShape(info.outShape));
      return out;
    }
    directConv(rt, {
      ...forwardConvJob(rt.offset(x), x.shape, g, rt.offset(out)),
      filter: forwardFilter(rt.offset(filter) >>> 2, g.kH * g.kW, g.inC, g.outC),
    });
    return out;
  },
};
