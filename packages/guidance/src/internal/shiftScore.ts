import * as tf from '@tensorflow/tfjs-core';
import { perSample } from '@scorekit/core';
import { predictionFrom, type Coefficient, type Prediction } from '@scorekit/sde';

function column(c: Coefficient, like: tf.Tensor): tf.Tensor | number {
  return typeof c === 'number' ? c : perSample(c, like);
}

/**
 * The prediction whose score is p.score + δ, written in p's own kind so that an ε-, x₀- or v-model keeps its
 * precision: with x = α·x₀ + σ·ε and score = −ε/σ, adding δ to the score moves ε by −σδ, x̂₀ by σ²δ/α and
 * v = α·ε − σ·x₀ by −σδ(α² + σ²)/α. Every other reading is derived by @scorekit/sde's parameterisation module.
 */
export function shiftScore(p: Prediction, delta: tf.Tensor): Prediction {
  const a = column(p.alpha, p.x);
  const s = column(p.sigma, p.x);
  const mul = (u: tf.Tensor | number, v: tf.Tensor | number): tf.Tensor | number =>
    typeof u === 'number' && typeof v === 'number' ? u * v : tf.mul(u, v);
  let raw: tf.Tensor;
  switch (p.kind) {
    case 'score':
      raw = tf.add(p.raw, delta);
      break;
    case 'eps':
      raw = tf.sub(p.raw, tf.mul(delta, s));
      break;
    case 'x0':
      raw = tf.add(p.raw, tf.mul(delta, tf.div(mul(s, s), a)));
      break;
    case 'v': {
      const a2s2 = typeof a === 'number' && typeof s === 'number' ? a * a + s * s : tf.add(mul(a, a), mul(s, s));
      raw = tf.sub(p.raw, tf.mul(delta, tf.div(mul(s, a2s2), a)));
      break;
    }
  }
  return predictionFrom(p.kind, raw, p.x, p.alpha, p.sigma);
}
