import * as tf from '@tensorflow/tfjs-core';
import { RESIDUAL_CONV2D, type ResidualConv2DAttrs } from '../wasm/kernels/ResidualConv2D.js';
import { nativeKernels } from '../native/nativeKernels.js';

/** Options of {@link residualConv2d}: what the convolution's last step adds and scales; all optional. */
export interface ResidualConv2dOptions {
  /** Stride (default 1); 'same' padding is TF's (asymmetric for stride 2). */
  readonly strides?: 1 | 2;
  /** tfjs's padding, default 'same'. */
  readonly pad?: 'same' | 'valid';
  /** Per-channel bias [outC]. */
  readonly bias?: tf.Tensor;
  /** Per-sample, per-channel bias [n, outC] (a ResNet block's projected time embedding). */
  readonly sampleBias?: tf.Tensor;
  /** Added to the result, shaped like it (a residual block's skip path). */
  readonly residual?: tf.Tensor;
  /** The sum's factor (DDPM++'s 1/√2), default 1. */
  readonly scale?: number;
}

/**
 * The composition {@link residualConv2d} fuses, from tfjs ops: the definition the kernel is tested against, the
 * path on backends without it, and correct to every order of gradient.
 */
export function residualConv2dReference(x: tf.Tensor, filter: tf.Tensor, options: ResidualConv2dOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const { strides = 1, pad = 'same', bias, sampleBias, residual, scale = 1 } = options;
    let y: tf.Tensor = tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides, pad, bias });
    if (sampleBias !== undefined) y = tf.add(y, tf.reshape(sampleBias, [y.shape[0], 1, 1, y.shape[3] as number]));
    if (residual !== undefined) y = tf.add(residual, y);
    return scale === 1 ? y : tf.mul(y, scale);
  });
}

let gradientRegistered = false;

/**
 * The kernel's gradient in tfjs ops (so it can itself be differentiated, as tfjs's own conv gradients can): with
 * g = dy·scale, the residual gets g, x and the filter the convolution's input and filter gradients of g, the
 * sample bias g summed over pixels and the bias g summed over samples and pixels.
 */
function registerResidualConv2dGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  if (tf.getGradient(RESIDUAL_CONV2D) !== undefined) return;
  tf.registerGradient({
    kernelName: RESIDUAL_CONV2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dys, saved, attrs) => {
      const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor4D;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as ResidualConv2DAttrs;
      const strides = a.strides as 1 | 2;
      // computed here, not in the closures: tfjs runs each closure in a tidy of its own, which would free the others
      const g = a.scale === 1 ? dy : (tf.mul(dy, a.scale) as tf.Tensor4D);
      const [n, , , c] = dy.shape;
      // with a sample bias, its per-sample sums serve both biases: the bias's gradient is their sum over samples
      const perSample = a.sampleBias ? tf.reshape(tf.sum(g, [1, 2]), [n, c]) : null;
      return {
        // tfjs's conv2dTranspose is the convolution's input gradient (Conv2DBackpropInput)
        x: () => tf.conv2dTranspose(g, filter, x.shape, strides, a.pad as 'same' | 'valid'),
        filter: () => conv2dFilterGradient(x, g, filter.shape, strides, a.pad),
        bias: () => (perSample === null ? tf.sum(g, [0, 1, 2]) : tf.sum(perSample, 0)),
        sampleBias: () => perSample as tf.Tensor,
        residual: () => g,
      };
    },
  });
}

/** tfjs's conv2DBackpropFilter op, which tfjs-core does not export: the kernel it runs. */
function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], strides: 1 | 2, pad: ResidualConv2DAttrs['pad']): tf.Tensor {
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape } as never) as tf.Tensor;
}

/**
 * A convolution with a residual block's last step fused in: y = (residual + ((conv(x, filter) + bias) +
 * sampleBias[n])) · scale for NHWC x [n, h, w, inC] and filter [kH, kW, inC, outC]. On the wasm backend it is one
 * kernel whose convolution adds, adds and scales each finished sum in float32 (natively in its register tile), so
 * the same bits as the separate ops without three passes over the output and their tape entries; elsewhere the
 * tfjs composition. Gradients of every order are right on every backend.
 *
 * @example
 * // DDPM++ ResNet block: h = conv1(…) with the skip path and 1/√2 in the same pass
 * const out = residualConv2d(h, w1, { bias: b1, residual: skip, scale: Math.SQRT1_2 });
 */
export function residualConv2d(x: tf.Tensor, filter: tf.Tensor, options: ResidualConv2dOptions = {}): tf.Tensor {
  const { strides = 1, pad = 'same', bias, sampleBias, residual, scale = 1 } = options;
  if (x.rank !== 4) throw new Error(`residualConv2d: x must be NHWC [n, h, w, c], got shape [${x.shape}]`);
  if (filter.rank !== 4 || filter.shape[2] !== x.shape[3]) {
    throw new Error(`residualConv2d: filter must be [kH, kW, ${x.shape[3]}, outC] for x's ${x.shape[3]} channels, got [${filter.shape}]`);
  }
  if (strides !== 1 && strides !== 2) throw new Error(`residualConv2d: strides must be 1 or 2, got ${String(strides)}`);
  if (pad !== 'same' && pad !== 'valid') throw new Error(`residualConv2d: pad must be 'same' or 'valid', got ${String(pad)}`);
  if (!Number.isFinite(scale)) throw new Error(`residualConv2d: scale must be a finite number, got ${scale}`);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, 1, pad);
  const [n, , , outC] = info.outShape;
  const check = (t: tf.Tensor | undefined, name: string, shape: number[]): void => {
    if (t !== undefined && !tf.util.arraysEqual(t.shape, shape)) {
      throw new Error(`residualConv2d: ${name} must have shape [${shape}], got [${t.shape}]`);
    }
  };
  check(bias, 'bias', [outC]);
  check(sampleBias, 'sampleBias', [n, outC]);
  check(residual, 'residual', info.outShape);
  const all = [x, filter, bias, sampleBias, residual].filter((t): t is tf.Tensor => t !== undefined);
  const fused =
    tf.getBackend() === 'wasm' &&
    tf.getKernel(RESIDUAL_CONV2D, 'wasm') !== undefined &&
    nativeKernels()?.conv2dFused !== undefined &&
    all.every((t) => t.dtype === 'float32');
  if (!fused) return residualConv2dReference(x, filter, options);
  registerResidualConv2dGradient();
  const inputs: Record<string, tf.Tensor> = { x, filter };
  if (bias !== undefined) inputs.bias = bias;
  if (sampleBias !== undefined) inputs.sampleBias = sampleBias;
  if (residual !== undefined) inputs.residual = residual;
  const attrs: ResidualConv2DAttrs = { strides, pad, scale, sampleBias: sampleBias !== undefined };
  return tf.engine().runKernel(RESIDUAL_CONV2D, inputs as never, attrs as never) as tf.Tensor;
}
