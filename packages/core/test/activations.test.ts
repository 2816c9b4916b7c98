import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectAllClose, expectClose } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { exp, sigmoid, silu, softplus, tanh } from '../src/index.js';

// Closed-form first and second derivatives, evaluated in float64.
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const closedForms: Record<string, { f: (x: tf.Tensor) => tf.Tensor; d1: (x: number) => number; d2: (x: number) => number }> = {
  sigmoid: { f: sigmoid, d1: (x) => sig(x) * (1 - sig(x)), d2: (x) => sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)) },
  silu: {
    f: silu,
    d1: (x) => sig(x) * (1 + x * (1 - sig(x))),
    d2: (x) => sig(x) * (1 - sig(x)) * (2 + x * (1 - 2 * sig(x))),
  },
  tanh: { f: tanh, d1: (x) => 1 - Math.tanh(x) ** 2, d2: (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2) },
  softplus: { f: softplus, d1: (x) => sig(x), d2: (x) => sig(x) * (1 - sig(x)) },
  exp: { f: exp, d1: (x) => Math.exp(x), d2: (x) => Math.exp(x) },
};

const points = [-3, -1.2, -0.3, 0, 0.5, 1.7, 2.5];

describeOnBackends('second-order-safe activations', () => {
  for (const [name, { f, d1, d2 }] of Object.entries(closedForms)) {
    it(`${name}: first and second derivatives match the closed form`, () => {
      const x = tf.tensor1d(points);
      const g1 = tf.grad((v: tf.Tensor) => tf.sum(f(v)))(x);
      const g2 = tf.grad((v: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(f(u)))(v)))(x);
      // float32 evaluation of O(1) quantities: 1e-5 relative error is ~100 ulps of headroom.
      expectAllClose(g1, points.map(d1), 1e-5, 1e-5);
      expectAllClose(g2, points.map(d2), 1e-5, 1e-5);
      tf.dispose([x, g1, g2]);
    });
  }

  it('SiLU second derivative at 0.5 is 0.4412 (tfjs composed of its own ops gives 0.4700)', () => {
    const d2 = tf.grad(tf.grad((x: tf.Tensor) => silu(x)))(tf.scalar(0.5)).dataSync()[0];
    expectClose(d2, 0.44124, 1e-4);
    const naive = tf.grad(tf.grad((x: tf.Tensor) => tf.mul(x, tf.sigmoid(x))))(tf.scalar(0.5)).dataSync()[0];
    expect(Math.abs(naive - 0.44124)).toBeGreaterThan(0.02); // documents the tfjs bug this package works around
  });

  it('weight gradient of a Hutchinson trace estimate through a SiLU network matches finite differences', () => {
    // s(x) = W2ᵀ silu(W1ᵀ x); loss(W1) = εᵀ ∇ₓ(s(x)·ε) summed over a batch — the trace term of sliced score matching.
    const d = 3;
    const h = 5;
    const n = 4;
    const x = tf.tensor2d([0.3, -0.7, 1.1, -1.4, 0.2, 0.9, 0.5, 0.5, -0.2, 2.0, -1.0, 0.1], [n, d]);
    const eps = tf.tensor2d([1, -1, 1, -1, -1, 1, 1, 1, -1, 1, -1, -1], [n, d]);
    const w2 = tf.tensor2d(Array.from({ length: h * d }, (_, i) => Math.sin(1.3 * i + 0.2)), [h, d]);
    const loss = (w1: tf.Tensor) =>
      tf.tidy(() => {
        const proj = (xx: tf.Tensor) => tf.sum(tf.mul(tf.matMul(silu(tf.matMul(xx, w1)), w2), eps));
        return tf.sum(tf.mul(tf.grad(proj)(x), eps));
      });
    const w1v = Array.from({ length: d * h }, (_, i) => 0.8 * Math.cos(0.7 * i + 0.4));
    const w1 = tf.tensor2d(w1v, [d, h]);
    const analytic = tf.grad(loss)(w1).dataSync();
    // Central differences in float32: step 1e-2 balances truncation (O(h²)·|f'''|) and rounding (~1e-7/h).
    const step = 1e-2;
    for (let k = 0; k < w1v.length; k++) {
      const plus = w1v.slice();
      const minus = w1v.slice();
      plus[k] += step;
      minus[k] -= step;
      const fd = (loss(tf.tensor2d(plus, [d, h])).dataSync()[0] - loss(tf.tensor2d(minus, [d, h])).dataSync()[0]) / (2 * step);
      expectClose(analytic[k], fd, 2e-3, 2e-3, `dL/dW1[${k}]`);
    }
  });
});

describe('activation values', () => {
  it('match the plain functions', () => {
    const x = tf.tensor1d(points);
    expectAllClose(silu(x), points.map((v) => v * sig(v)), 1e-6, 1e-6);
    expectAllClose(softplus(x), points.map((v) => Math.log1p(Math.exp(v))), 1e-6, 1e-6);
    expectAllClose(tanh(x), points.map(Math.tanh), 1e-6, 1e-6);
    expectAllClose(exp(x), points.map(Math.exp), 1e-6, 1e-6);
  });
});
