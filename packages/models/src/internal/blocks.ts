import * as tf from '@tensorflow/tfjs-core';
import { conv2d, dense, groupNorm, nin, softmax } from './layers.js';
import type { DenseParams, GroupNormParams } from './ParamBuilder.js';

export interface ResBlockParams {
  readonly gn0: GroupNormParams;
  readonly conv0: DenseParams;
  readonly temb: DenseParams;
  readonly gn1: GroupNormParams;
  readonly conv1: DenseParams;
  readonly skip: DenseParams | null;
}

export interface AttnBlockParams {
  readonly gn: GroupNormParams;
  readonly q: DenseParams;
  readonly k: DenseParams;
  readonly v: DenseParams;
  readonly out: DenseParams;
}

/**
 * DDPM++ residual block (score_sde models/layerspp.py ResnetBlockDDPMpp): GN → SiLU → conv → + Dense(SiLU(temb))
 * → GN → SiLU → dropout → conv, plus a 1×1 skip when channels change; the sum times `rescale` (1/√2 in DDPM++).
 * `tembSilu` is SiLU(temb), computed once for all blocks. The time embedding, the skip and the rescale are applied
 * in the convolutions' last steps (see `conv2d`).
 */
export function resBlock(
  p: ResBlockParams,
  x: tf.Tensor,
  tembSilu: tf.Tensor,
  drop: (h: tf.Tensor) => tf.Tensor,
  rescale: number,
): tf.Tensor {
  const h = conv2d(p.conv0, groupNorm(p.gn0, x, { silu: true }), 1, { sampleBias: dense(p.temb, tembSilu) });
  const skip = p.skip ? nin(p.skip, x) : x;
  return conv2d(p.conv1, drop(groupNorm(p.gn1, h, { silu: true })), 1, { residual: skip, scale: rescale });
}

/** Self-attention over all pixels (score_sde models/layers.py AttnBlock): x + NIN(softmax(qkᵀ/√C)·v), × `rescale`. */
export function attentionBlock(p: AttnBlockParams, x: tf.Tensor, rescale: number): tf.Tensor {
  const [n, H, W, C] = x.shape;
  const h = groupNorm(p.gn, x);
  const flat = (t: tf.Tensor) => tf.reshape(t, [n, H * W, C]) as tf.Tensor3D;
  const q = flat(nin(p.q, h));
  const k = flat(nin(p.k, h));
  const v = flat(nin(p.v, h));
  const w = softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(C)));
  const attended = tf.reshape(tf.matMul(w as tf.Tensor3D, v), [n, H, W, C]);
  return tf.mul(tf.add(x, nin(p.out, attended)), rescale);
}
