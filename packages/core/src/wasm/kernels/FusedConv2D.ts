import * as tf from '@tensorflow/tfjs-core';
import { convGeometry, directConv, forwardConvJob, forwardFilter } from '../internal/conv.js';
import { requireFloat, requireNhwc, requireRank4 } from '../internal/convAttrs.js';
import { runOriginal } from '../internal/originalKernels.js';
import { runtimeFor } from '../internal/WasmRuntime.js';

/**
 * `FusedConv2D` (tf.fused.conv2d) without an activation: our direct convolution with the bias added to each finished
 * sum (natively in the tile's last step), so a conv layer's bias costs no separate pass over its output — the same
 * bits as conv2d followed by add. Activations, PReLU weights and non-vector biases go to tfjs-backend-wasm's kernel.
 */
export const fusedConv2DConfig: tf.KernelConfig = {
  kernelName: tf.FusedConv2D,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as {
      x: tf.TensorInfo;
      filter: tf.TensorInfo;
      bias?: tf.TensorInfo;
      preluActivationWeights?: tf.TensorInfo;
    };
    const attrs = args.attrs as unknown as tf.FusedConv2DAttrs;
    const kernel = 'FusedConv2D';
    const outC = filter.shape[3];
    const supported =
      (attrs.activation ?? 'linear') === 'linear' &&
      preluActivationWeights == null &&
      (bias == null || (bias.shape.length === 1 && bias.shape[0] === outC) || (bias.shape.length === 0 && outC === 1));
    if (!supported) return runOriginal(tf.FusedConv2D, args);
    requireFloat(x, 'x', kernel);
    requireFloat(filter, 'filter', kernel);
    requireRank4(x, 'x', kernel);
    requireRank4(filter, 'filter', kernel);
    requireNhwc(attrs.dataFormat, kernel);
    if (x.shape[3] !== filter.shape[2]) {
      throw new Error(`${kernel} on wasm: x has ${x.shape[3]} channels but filter expects ${filter.shape[2]} (filter shape [${filter.shape}])`);
    }
    if (bias != null) requireFloat(bias, 'bias', kernel);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const g = convGeometry(info);
    const rt = runtimeFor(args.backend);
    const out = rt.backend.makeOutput(info.outShape, 'float32');
    const size = tf.util.sizeFromShape(info.outShape);
    if (size === 0) return out;
    const o = rt.offset(out) >>> 2;
    if (g.inC === 0 || g.kH * g.kW === 0) {
      const f = rt.f32;
      const b = bias == null ? -1 : rt.offset(bias) >>> 2;
      for (let i = 0; i < size; i++) f[o + i] = b < 0 ? 0 : f[b + (i % outC)];
      return out;
    }
    directConv(rt, {
      ...forwardConvJob(rt.offset(x), x.shape, g, rt.offset(out)),
      filter: forwardFilter(rt.offset(filter) >>> 2, g.kH * g.kW, g.inC, outC),
      bias: bias == null ? undefined : rt.offset(bias),
    });
    return out;
  },
};
