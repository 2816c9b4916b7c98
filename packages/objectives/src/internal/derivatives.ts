import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import type { ModelCallOptions } from '../DenoiserModel.js';
import type { ScoreFunction } from '../ScoreFunction.js';
import { callScore } from './models.js';
import { perSampleDot } from './reduce.js';

/**
 * s(x) and Jᵀ·dy for J = ∂s/∂x, in one forward and one backward pass (tfjs `valueAndGrad` with an upstream
 * gradient; REFERENCES: `tf.grad(f)(x, dy)` gives Jᵀdy). Recorded on any enclosing tape, so a loss built from it
 * can be differentiated again with respect to the weights.
 */
export function scoreAndVjp(
  score: ScoreFunction,
  x: tf.Tensor,
  dy: tf.Tensor,
  call: ModelCallOptions,
  where: string,
): { value: tf.Tensor; vjp: tf.Tensor } {
  const f = (y: tf.Tensor) => callScore(score, y, call, where);
  try {
    const { value, grad } = tf.valueAndGrad(f)(x, dy);
    return { value, vjp: grad };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/not a function of|Cannot compute gradient/i.test(message)) {
      throw new Error(`${where}: the score model's output does not depend on its input x, so ∇ₓs is undefined (${message})`);
    }
    throw e;
  }
}

/**
 * Exact per-sample trace of ∂s/∂x by D backward passes (one per data dimension, dy = the i-th unit vector in every
 * sample), and s(x) from the first pass. With dropout, every pass sees the same masks: each one gets a generator
 * restored from one fork of `call.rng`.
 */
export function scoreAndTrace(
  score: ScoreFunction,
  x: tf.Tensor,
  call: ModelCallOptions,
  where: string,
): { value: tf.Tensor; trace: tf.Tensor } {
  const n = x.shape[0];
  const D = x.size / n;
  const masks = call.rng ? snapshot(call.rng) : undefined;
  const callFor = (): ModelCallOptions => (masks ? { ...call, rng: Rng.fromState(masks.state()) } : call);
  let value: tf.Tensor | undefined;
  let trace: tf.Tensor = tf.zeros([n]);
  for (let i = 0; i < D; i++) {
    const [s, next] = tf.tidy(() => {
      const unit = new Float32Array(D);
      unit[i] = 1;
      const e = tf.broadcastTo(tf.tensor(unit, [1, ...x.shape.slice(1)], 'float32'), x.shape);
      const { value: si, vjp } = scoreAndVjp(score, x, e, callFor(), where);
      return [si, tf.add(trace, perSampleDot(vjp, e))];
    });
    if (i === 0) value = s;
    else s.dispose();
    trace = next;
  }
  return { value: value!, trace };
}

// A fresh state drawn from `rng` (which advances), restorable any number of times. Core's `Rng.fork` would do, but
// it ORs the last word with 1 into a signed int, which `Rng.fromState` then rejects half of the time.
function snapshot(rng: Rng): Rng {
  const words = [rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), (rng.nextUint32() | 1) >>> 0] as const;
  return Rng.fromState({ words });
}

/** s(x) and the per-sample Hutchinson term vᵀ∂s/∂x v = vᵀ∇ₓ(vᵀs), from one backward pass. */
export function scoreAndSlicedTrace(
  score: ScoreFunction,
  x: tf.Tensor,
  v: tf.Tensor,
  call: ModelCallOptions,
  where: string,
): { value: tf.Tensor; term: tf.Tensor } {
  return tf.tidy(() => {
    const { value, vjp } = scoreAndVjp(score, x, v, call, where);
    return { value, term: perSampleDot(v, vjp) };
  });
}
