import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose, expectClose } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { PROJECTION_KINDS, jacobianTrace, sampleProjections, slicedTrace, type ScoreFunction } from '../src/index.js';
import { exactScore, meanAndSe, mixture, take, tinyScoreNet } from './helpers.js';

const points = [[0.3, -0.2], [1.2, -0.9], [-1.4, 0.8], [-0.2, 0.6], [2.0, 1.5], [-2.5, -1.0]];

/** ∂s/∂x at one point, row by row (row i = ∇ₓ s_i), read back as a 2 × 2 array. */
function jacobianAt(score: ScoreFunction, p: number[]): number[][] {
  return [0, 1].map((i) =>
    Array.from(take(tf.tidy(() => tf.grad((x: tf.Tensor) => score(x))(tf.tensor2d([p]), tf.tensor2d([i === 0 ? [1, 0] : [0, 1]]))))),
  );
}

/** Central differences of s_i along e_i in float32, summed over i. */
function fdTrace(score: ScoreFunction, p: number[], h: number): number {
  let tr = 0;
  for (const i of [0, 1]) {
    const plus = [...p];
    const minus = [...p];
    plus[i] += h;
    minus[i] -= h;
    const s = take(tf.tidy(() => score(tf.tensor2d([plus, minus]))));
    tr += (s[i] - s[2 + i]) / (2 * h);
  }
  return tr;
}

describeOnBackends('divergence of a score model', () => {
  const models: [string, ScoreFunction][] = [
    ['mixture score', exactScore(mixture)],
    ['tanh network', tinyScoreNet(3).score],
  ];

  for (const [name, score] of models) {
    it(`${name}: jacobianTrace matches central finite differences`, () => {
      const exact = take(jacobianTrace(score, tf.tensor2d(points)));
      // h = 3e-3 in float32: truncation h²/6·|∂³s| ≲ 2e-4 (the narrowest component, std 0.3, gives |∂³s| ≲ 1e2),
      // rounding 2·6e-8·|s|/(2h) ≲ 2e-4 for |s| ≲ 10. Allow 2e-3 absolute plus 1e-3 relative.
      expectAllClose(exact, points.map((p) => fdTrace(score, p, 3e-3)), 2e-3, 1e-3);
      // and it is not trivially small: the mixture's Laplacian is about −1/std² in each dimension.
      expect(Math.max(...exact.map(Math.abs))).toBeGreaterThan(0.5);
    });
  }

  for (const kind of PROJECTION_KINDS) {
    for (const [name, score] of models) {
      it(`${name}: sliced estimate vᵀ∇(vᵀs) with ${kind} projections is unbiased for the trace`, () => {
        const M = 4000;
        const pts = points.slice(0, 3);
        const x = tf.tile(tf.tensor2d(pts), [M, 1]); // row j·3 + k is point k
        const v = sampleProjections(kind, x.shape, new Rng(11));
        const est = take(slicedTrace(score, x, v));
        const exact = take(jacobianTrace(score, tf.tensor2d(pts)));
        pts.forEach((p, k) => {
          const values = Array.from({ length: M }, (_, j) => est[j * 3 + k]);
          const { mean, se } = meanAndSe(values);
          // Unbiased: the mean over M projections is within 4 standard errors (two-sided p ≈ 6e-5 if correct).
          expectClose(mean, exact[k], 4 * se + 1e-5, 0, `mean of ${M} ${kind} estimates at point ${k}`);
          // The spread has a closed form: with S = (J + Jᵀ)/2, Rademacher Var = 4·S₁₂², Gaussian Var = 2‖S‖²_F.
          // Sample variance of 4000 draws: relative error ≈ √(2/M)·(kurtosis factor) ≲ 6%; allow 12%.
          if (kind !== 'sphere') {
            const J = jacobianAt(score, p);
            const s12 = 0.5 * (J[0][1] + J[1][0]);
            const variance = kind === 'rademacher' ? 4 * s12 * s12 : 2 * (J[0][0] ** 2 + J[1][1] ** 2 + 2 * s12 * s12);
            expectClose(se * se * M, variance, 1e-6, 0.12, `variance of ${kind} estimates at point ${k}`);
          }
        });
      });
    }
  }

  it('projections have E[vvᵀ] = I: ±1 entries, standard normal, or norm √D', () => {
    const r = take(sampleProjections('rademacher', [500, 3], new Rng(1)));
    expect(r.every((v) => v === 1 || v === -1)).toBe(true);
    const s = take(sampleProjections('sphere', [50, 4], new Rng(2)));
    for (let i = 0; i < 50; i++) {
      const norm2 = s.slice(4 * i, 4 * i + 4).reduce((a, b) => a + b * b, 0);
      expectClose(norm2, 4, 1e-5, 0, 'squared norm of a sphere projection'); // float32 rounding only
    }
    // Gaussian second moment over 20000 entries: E v² = 1 with SE √(2/20000) = 0.01; allow 4 SE.
    const g = take(sampleProjections('gaussian', [10000, 2], new Rng(3)));
    expectClose(g.reduce((a, b) => a + b * b, 0) / g.length, 1, 0.04);
    expect(() => sampleProjections('uniform' as never, [2, 2], new Rng(0))).toThrow(/Allowed: rademacher, gaussian, sphere/);
  });

  it('works on image-shaped data [n, h, w, c]: the divergence of −x/s² is −D/s², exactly and on average', () => {
    const score: ScoreFunction = (x) => tf.mul(x, -1 / 0.25);
    const x = new Rng(1).normal([3, 4, 4, 2]); // D = 32
    expectAllClose(jacobianTrace(score, x), [-128, -128, -128], 1e-4, 1e-6);
    // J = −4I: vᵀJv = −4‖v‖² = −128 exactly for Rademacher and sphere projections.
    expectAllClose(slicedTrace(score, x, sampleProjections('rademacher', x.shape, new Rng(2))), [-128, -128, -128], 1e-4, 1e-6);
    expectAllClose(slicedTrace(score, x, sampleProjections('sphere', x.shape, new Rng(2))), [-128, -128, -128], 1e-3, 1e-5);
  });

  it('a score that is not computed from x is reported clearly, not as a tfjs gradient error', () => {
    const constant: ScoreFunction = (x) => tf.zeros(x.shape);
    expect(() => jacobianTrace(constant, tf.tensor2d(points))).toThrow(/does not depend on its input x/);
  });
});
