import * as tf from '@tensorflow/tfjs-core';
import { convGeometry, directConv, forwardConvJob, forwardFilter } from '../internal/conv.js';
import { requireFloat, requireRank4 } from '../internal/convAttrs.js';
import { runtimeFor } from '../internal/WasmRuntime.js';

/** Kernel name of the convolution with a residual block's last step fused in (scorekit's own; used by `residualConv2d`). */
export const RESIDUAL_CONV2D = 'ScorekitResidualConv2D';

/**
 * The kernel's attributes: tfjs's stride and padding, the factor of the last step (1: none), and whether a sample
 * bias is among the inputs (its gradient then also gives the bias's).
 */
export interface ResidualConv2DAttrs {
  readonly strides: number | [number, number];
  readonly pad: 'same' | 'valid' | number;
  readonly scale: number;
  readonly sampleBias: boolean;
}

/** The geometry of x [n, h, w, inC] ∗ filter [kH, kW, inC, outC] (NHWC, no dilation), checked. */
export function residualConvInfo(kernel: string, x: tf.TensorInfo, filter: tf.TensorInfo, a: ResidualConv2DAttrs): tf.backend_util.Conv2DInfo {
  requireFloat(x, 'x', kernel);
  requireFloat(filter, 'filter', kernel);
  requireRank4(x, 'x', kernel);
  requireRank4(filter, 'filter', kernel);
  if (x.shape[3] !== filter.shape[2]) {
    throw new Error(`${kernel}: x has ${x.shape[3]} channels but filter expects ${filter.shape[2]} (filter shape [${filter.shape}])`);
  }
  return tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
  );
}

/**
 * y = (residual + ((conv(x, filter) + bias) + sampleBias[n])) · scale, each step in float32 at the convolution's
 * last step (natively in the register tile's store), so the same bits as tfjs's fused conv2d followed by add, add and
 * mul, without their three passes over the output. Inputs other than x and filter are optional: bias [outC],
 * sampleBias [n, outC], residual shaped like y.
 */
export const residualConv2DConfig: tf.KernelConfig = {
  kernelName: RESIDUAL_CONV2D,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, filter, bias, sampleBias, residual } = inputs as Record<'x' | 'filter', tf.TensorInfo> &
      Partial<Record<'bias' | 'sampleBias' | 'residual', tf.TensorInfo>>;
    const a = attrs as unknown as ResidualConv2DAttrs;
    const info = residualConvInfo(RESIDUAL_CONV2D, x, filter, a);
    const g = convGeometry(info);
    const expect = (t: tf.TensorInfo | undefined, name: string, shape: number[]): void => {
      if (t !== undefined && (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, shape))) {
        throw new Error(`${RESIDUAL_CONV2D}: ${name} must be float32 [${shape}], got ${t.dtype} [${t.shape}]`);
      }
    };
    expect(bias, 'bias', [g.outC]);
    expect(sampleBias, 'sampleBias', [g.batch, g.outC]);
    expect(residual, 'residual', info.outShape);
    const rt = runtimeFor(backend);
    const out = rt.backend.makeOutput(info.outShape, 'float32');
    if (tf.util.sizeFromShape(info.outShape) === 0) return out;
    if (g.inC === 0 || g.kH * g.kW === 0) throw new Error(`${RESIDUAL_CONV2D}: x and filter must have at least one channel and tap`);
    directConv(rt, {
      ...forwardConvJob(rt.offset(x), x.shape, g, rt.offset(out)),
      filter: forwardFilter(rt.offset(filter) >>> 2, g.kH * g.kW, g.inC, g.outC),
      bias: bias === undefined ? undefined : rt.offset(bias),
      sampleBias: sampleBias === undefined ? undefined : rt.offset(sampleBias),
      residual: residual === undefined ? undefined : rt.offset(residual),
      scale: a.scale === 1 ? undefined : a.scale,
    });
    return out;
  },
};
