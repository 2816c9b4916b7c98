import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser, PredictionKind, Sde } from '@scorekit/sde';
import type { ModelCallOptions } from '../DenoiserModel.js';
import type { ScoreFunction } from '../ScoreFunction.js';
import { checkSameShape } from './batch.js';

/** Calls a score function and checks that it returned a tensor shaped like x. */
export function callScore(score: ScoreFunction, x: tf.Tensor, call: ModelCallOptions, where: string): tf.Tensor {
  if (typeof score !== 'function') throw new Error(`${where}: the model must be a score function (x, options?) => s(x)`);
  const s = score(x, call);
  checkSameShape(x, s, where, 'x', 'the score model output');
  return s;
}

/** Calls a denoiser and checks that the field the loss reads is a tensor shaped like x. */
export function callDenoiser(model: Denoiser, x: tf.Tensor, t: tf.Tensor, call: ModelCallOptions, field: PredictionKind, where: string): tf.Tensor {
  const p = model.predict(x, t, call) as Partial<Record<PredictionKind, tf.Tensor>> | undefined;
  checkSameShape(x, p?.[field], where, 'x', `model.predict(x, t).${field}`);
  return p![field]!;
}

/** Checks the model object up front, so a wrong model gives one clear message rather than a TypeError later. */
export function checkDenoiser(model: Denoiser, where: string): Sde {
  const candidate = model as Partial<Denoiser> | null;
  const sde = candidate?.sde;
  if (typeof candidate?.predict !== 'function' || sde == null || typeof sde.marginalCoefficients !== 'function') {
    throw new Error(`${where}: the model must be a Denoiser { sde, predict(x, t, options?) }`);
  }
  return sde;
}

/** The [n] float32 time tensor of per-sample times. */
export function timeTensor(t: ArrayLike<number>): tf.Tensor1D {
  return tf.tensor1d(Float32Array.from(t as ArrayLike<number>));
}

/**
 * x_t = α(t)·x₀ + σ(t)·noise with α, σ from the SDE's own tensor path (`marginal`: the same numbers a model's
 * `predictionFrom` uses).
 */
export function perturb(sde: Sde, x0: tf.Tensor, t: tf.Tensor, noise: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { mean, std } = sde.marginal(x0, t);
    const shape = [x0.shape[0], ...new Array(x0.rank - 1).fill(1)];
    return tf.add(mean, tf.mul(tf.reshape(std, shape), noise));
  });
}

/** The per-sample model call options an objective passes on. */
export function modelCall(training: boolean | undefined, rng: ModelCallOptions['rng'], labels: tf.Tensor | undefined): ModelCallOptions {
  return { training: training ?? true, rng, labels };
}
