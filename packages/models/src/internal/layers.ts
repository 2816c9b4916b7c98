import * as tf from '@tensorflow/tfjs-core';
import { exp, groupNorm as coreGroupNorm, residualConv2d, upsampleNearest2x as coreUpsampleNearest2x, type Rng } from '@scorekit/core';
import type { DenseParams, GroupNormParams } from './ParamBuilder.js';

// Functional layers over ParamBuilder parameters. Everything here is built from ops whose gradients are correct to
// every order (no tfjs op whose gradient reuses its own output), so score-matching objectives and energy models can
// differentiate through them twice.

/**
 * x [n, in] · W + b, with the bias added inside the product (one pass over the output less; on wasm the bias seeds
 * the GEMM's register tile). tfjs's fused matMul without an activation differentiates through plain matMul and sum,
 * so every order of gradient stays right.
 */
export function dense(p: DenseParams, x: tf.Tensor): tf.Tensor {
  return tf.fused.matMul({ a: x as tf.Tensor2D, b: p.kernel as tf.Tensor2D, bias: p.bias });
}

/** A 1×1 convolution ("NIN" in score_sde) as a matMul over the flattened pixels: on wasm this is much cheaper. */
export function nin(p: DenseParams, x: tf.Tensor): tf.Tensor {
  const [n, h, w, c] = x.shape;
  const out = p.kernel.shape[1] as number;
  return tf.reshape(dense(p, tf.reshape(x, [n * h * w, c])), [n, h, w, out]);
}

/** What a convolution's last step may add and scale (a residual block's ending): see {@link conv2d}. */
export interface ConvEnding {
  /** [n, outC]: a per-sample bias (the block's projected time embedding). */
  readonly sampleBias?: tf.Tensor;
  /** Shaped like the output: the skip path. */
  readonly residual?: tf.Tensor;
  /** The sum's factor (1/√2 in DDPM++). */
  readonly scale?: number;
}

/**
 * A k×k convolution with 'same' padding (stride 2: TF's asymmetric padding, as score_sde's Downsample), then
 * optionally (residual + (conv + bias + sampleBias[n])) · scale. One op (core's residualConv2d): on wasm the bias,
 * the sample bias, the residual and the scale are applied in the convolution's last step, the same bits as the
 * separate adds and multiply without their passes over the output.
 */
export function conv2d(p: DenseParams, x: tf.Tensor, stride: 1 | 2 = 1, ending: ConvEnding = {}): tf.Tensor {
  return residualConv2d(x, p.kernel, { strides: stride, pad: 'same', bias: p.bias, ...ending });
}

/**
 * GroupNorm over NHWC (torch.nn.GroupNorm, eps 1e-6 as score_sde), optionally followed by SiLU: core's fused op
 * (one kernel forward and one backward on wasm, the tfjs composition elsewhere; gradients right to every order).
 */
export function groupNorm(p: GroupNormParams, x: tf.Tensor, options: { silu?: boolean } = {}): tf.Tensor {
  return coreGroupNorm(x, p.gamma, p.beta, p.groups, { epsilon: 1e-6, silu: options.silu ?? false });
}

// A max with zero gradient: softmax is shift-invariant, so the shift needs no gradient (and tfjs's Max gradient
// depends on an equality mask of its output).
const stopGradientMax = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.max(x, -1, true),
  gradFunc: (_dy: tf.Tensor) => tf.zerosLike(x),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/** Softmax over the last axis, correct to every order (tfjs's Softmax gradient reuses its output). */
export function softmax(x: tf.Tensor): tf.Tensor {
  const e = exp(tf.sub(x, stopGradientMax(x) as tf.Tensor));
  return tf.div(e, tf.sum(e, -1, true));
}

/** Inverted dropout with a mask drawn from `rng` (backend-independent, so runs are reproducible everywhere). */
export function dropout(x: tf.Tensor, rate: number, rng: Rng): tf.Tensor {
  if (rate <= 0) return x;
  return tf.mul(x, rng.dropoutMask(x.shape, rate));
}

/**
 * Nearest-neighbour ×2 upsampling: core's op (a copy on the native thread pool on wasm, its gradient a 2 × 2 block
 * sum; the broadcast elsewhere, whose gradient is a plain sum available on every backend).
 */
export function upsampleNearest2x(x: tf.Tensor): tf.Tensor {
  return coreUpsampleNearest2x(x);
}
