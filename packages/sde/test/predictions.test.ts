import * as tf from '@tensorflow/tfjs';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { PREDICTION_KINDS, VeSde, VpSde, predictionsFrom } from '../src/index.js';

describeOnBackends('prediction conversions', () => {
  for (const sde of [new VpSde(), new VeSde({ sigmaMax: 10 })]) {
    it(`${sde.name}: every kind recovers the true x₀, ε, score and v of x = αx₀ + σε`, () => {
      // Build x from known x₀ and ε; the exact score of p(x_t | x₀) at x is −ε/σ.
      const rng = new Rng(1);
      const ts = [0.1, 0.4, 0.8];
      const x0 = rng.normal([3, 4]);
      const eps = rng.normal([3, 4]);
      const t = tf.tensor1d(ts);
      const { alpha, sigma } = sde.marginalCoefficients(t);
      const x = tf.add(tf.mul(tf.reshape(alpha, [3, 1]), x0), tf.mul(tf.reshape(sigma, [3, 1]), eps));
      const truth = {
        eps,
        x0,
        score: tf.neg(tf.div(eps, tf.reshape(sigma, [3, 1]))),
        v: tf.sub(tf.mul(tf.reshape(alpha, [3, 1]), eps), tf.mul(tf.reshape(sigma, [3, 1]), x0)),
      };
      for (const kind of PREDICTION_KINDS) {
        const p = predictionsFrom(kind, truth[kind], x, alpha, sigma);
        // float32 round trips through divisions by σ ≥ 0.02 and α: a few 1e-5 relative.
        for (const k of PREDICTION_KINDS) expectAllClose(p[k], truth[k], 1e-4, 1e-4);
      }
    });
  }

  it('rejects unknown kinds and mis-shaped predictions', () => {
    const x = tf.zeros([2, 3]);
    const a = tf.ones([2]);
    expect(() => predictionsFrom('noise' as never, x, x, a, a)).toThrow(/Allowed: score, eps, x0, v/);
    expect(() => predictionsFrom('eps', tf.zeros([2, 2]), x, a, a)).toThrow(/shaped like x \[2,3\]/);
  });
});
