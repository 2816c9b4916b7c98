import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { modernHopfieldEnergy, modernHopfieldUpdate } from '../src/index.js';

describeOnBackends('modern Hopfield network', () => {
  const patterns = () => tf.tensor2d([[1, 0], [0, 1], [-1, -1]]);

  it('updates by softmax(β Xξ) as worked by hand', () => {
    // ξ = (0.5, 0.2), β = 2: logits 2·(0.5, 0.2, −0.7) = (1, 0.4, −1.4); softmax = (e¹, e^0.4, e^−1.4)/4.456700
    // = (0.609931, 0.334737, 0.055332); ξ_new = 0.609931·(1,0) + 0.334737·(0,1) + 0.055332·(−1,−1)
    // = (0.554599, 0.279406).
    const x = patterns();
    const q = tf.tensor2d([[0.5, 0.2]]);
    const out = modernHopfieldUpdate(x, q, 2);
    expectAllClose(out, [0.554599, 0.279406], 2e-6);
    // E = −½ log 4.456700 + ½(0.25 + 0.04) + ½ log 3 + ½·2 = 0.947101
    expectClose(modernHopfieldEnergy(x, q, 2).dataSync()[0], 0.947101, 2e-6);
    tf.dispose([x, q, out]);
  });

  it('never increases its energy when iterated (a concave–convex procedure)', () => {
    const rng = new Rng(1);
    const x = tf.tensor2d(rng.normalArray(20 * 8), [20, 8]) as tf.Tensor2D;
    let q = tf.tensor2d(rng.normalArray(30 * 8, 0, 2), [30, 8]) as tf.Tensor2D;
    let e = modernHopfieldEnergy(x, q, 0.7).arraySync();
    const start = e.slice();
    for (let it = 0; it < 5; it++) {
      const next = modernHopfieldUpdate(x, q, 0.7);
      const eNext = modernHopfieldEnergy(x, next, 0.7).arraySync();
      eNext.forEach((v, r) => expect(v).toBeLessThanOrEqual(e[r] + 1e-5)); // float32 rounding of E ~ 10
      q.dispose();
      q = next;
      e = eNext;
    }
    expect(e.reduce((s, v) => s + v, 0)).toBeLessThan(start.reduce((s, v) => s + v, 0) - 1);
    tf.dispose([x, q]);
  });

  it('retrieves stored patterns in one step from noisy queries when β is large', () => {
    // 50 random patterns in 64 dimensions (‖x‖² ≈ 64, overlaps ~ ±8): with β = 1 the softmax puts e^{−β·Δ} ≲ e^{−20}
    // on every other pattern, so one update returns the stored pattern to float32 precision.
    const rng = new Rng(2);
    const x = tf.tensor2d(rng.normalArray(50 * 64), [50, 64]) as tf.Tensor2D;
    const noisy = tf.tidy(() => tf.add(x, rng.normal([50, 64], 0, 0.3))) as tf.Tensor2D;
    const out = modernHopfieldUpdate(x, noisy, 1);
    expectAllClose(out, x, 1e-4);
    // With a tiny β the update averages the patterns instead: retrieval fails, as it must.
    const blurred = modernHopfieldUpdate(x, noisy, 1e-3);
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(blurred, x))).dataSync()[0]);
    expect(err).toBeGreaterThan(1);
    tf.dispose([x, noisy, out, blurred]);
  });

  it('rejects mismatched shapes and a non-positive β, and frees its intermediates', async () => {
    const x = patterns();
    const q = tf.tensor2d([[1, 2, 3]]);
    expect(() => modernHopfieldUpdate(x, q, 1)).toThrow(/queries must have shape \[n, 2\]/);
    const q2 = tf.tensor2d([[1, 2]]);
    expect(() => modernHopfieldUpdate(x, q2, 0)).toThrow(/beta must be a finite number > 0, got 0/);
    await expectNoTensorLeak(() => tf.dispose([modernHopfieldUpdate(x, q2, 1), modernHopfieldEnergy(x, q2, 1)]));
    tf.dispose([x, q, q2]);
  });
});
