import * as tf from '@tensorflow/tfjs-core';
import { Rng, silu, tanh } from '@scorekit/core';
import { describeOnBackends, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import {
  PROJECTION_KINDS,
  exactScoreMatchingLoss,
  exactScoreMatchingLosses,
  sampleProjections,
  slicedScoreMatchingLoss,
  slicedScoreMatchingLosses,
  type ScoreFunction,
} from '../src/index.js';
import { derivativeStats, exactScore, gaussian, meanAndSe, mixture, scalar, take, tinyScoreNet } from './helpers.js';

/** Directional derivative of loss(θ) along a random direction: autodiff vs central differences in θ. */
function weightGradientCheck(loss: () => tf.Scalar, variables: tf.Variable[], h: number): { analytic: number; fd: number } {
  const rng = new Rng(9);
  const dirs = variables.map((v) => rng.normal(v.shape));
  const { value, grads } = tf.variableGrads(loss, variables);
  value.dispose();
  let analytic = 0;
  variables.forEach((v, i) => (analytic += scalar(tf.sum(tf.mul(grads[v.name], dirs[i])))));
  tf.dispose(grads);
  const base = variables.map((v) => v.clone());
  const at = (sign: number) => {
    variables.forEach((v, i) => v.assign(tf.tidy(() => tf.add(base[i], tf.mul(dirs[i], sign * h)))));
    return scalar(loss());
  };
  const fd = (at(1) - at(-1)) / (2 * h);
  variables.forEach((v, i) => v.assign(base[i]));
  tf.dispose([...base, ...dirs]);
  return { analytic, fd };
}

describeOnBackends('exact and sliced score matching', () => {
  it('exact SM of the true score of N(μ, s²I) has expectation −d/(2s²)', () => {
    // ½‖s‖² = ½‖x − μ‖²/s⁴ has mean d/(2s²) and tr ∂s/∂x = −d/s² exactly, so E = −d/(2s²) = −2.0408 for d = 2,
    // s = 0.7. Per-sample sd 1/s² = 2.04; 4000 samples give SE ≈ 0.032; allow 4 SE.
    const data = gaussian([0.5, -1], 0.7);
    const x = data.sample(4000, new Rng(1));
    const perSample = take(exactScoreMatchingLosses(exactScore(data), x));
    const { mean, se } = meanAndSe(perSample);
    expectClose(mean, -2 / (2 * 0.49), 4 * se);
    // The batch loss is the per-sample mean (float32 summation over 4000 terms: 1e-5 relative).
    expectClose(scalar(exactScoreMatchingLoss(exactScore(data), x, new Rng(0))), mean, 1e-4, 1e-5);
  });

  const scoreObjectives: [string, (score: ScoreFunction, x: tf.Tensor, rng: Rng) => tf.Scalar][] = [['exact', (s, x, r) => exactScoreMatchingLoss(s, x, r)]];
  for (const projection of PROJECTION_KINDS) {
    for (const varianceReduced of [true, false]) {
      scoreObjectives.push([
        `sliced (${projection}, ${varianceReduced ? '½‖s‖²' : '½(vᵀs)²'})`,
        (s, x, r) => slicedScoreMatchingLoss(s, x, r, { projection, varianceReduced, projections: 2 }),
      ]);
    }
  }

  for (const [name, objective] of scoreObjectives) {
    it(`${name} SM is minimised by the true score: zero slope and positive curvature in s·(1 + c) and s + c·h`, () => {
      const h = tinyScoreNet(4).score; // a fixed, smooth, non-gradient perturbation field
      for (const [label, perturbed] of [
        ['s·(1 + c)', (c: number): ScoreFunction => exactScore(mixture, 0, 1 + c)],
        ['s + c·h', (c: number): ScoreFunction => (x) => tf.tidy(() => tf.add(mixture.score(x), tf.mul(h(x), c)))],
      ] as const) {
        // Common random numbers: for each seed the same data and projections at c = −δ, 0, δ; 12 batches of 300.
        const stats = derivativeStats((c, seed) => {
          const rng = new Rng(seed);
          return scalar(tf.tidy(() => objective(perturbed(c), mixture.sample(300, rng), rng)));
        }, 12);
        // Slope within 4.5 standard errors of 0 (12 batches: t₁₁ tail ≈ 1e-3); curvature E‖∂s/∂c‖² > 0; and a
        // model 50% off along the same direction (slope 2·C·0.5) would have been flagged.
        expect(Math.abs(stats.slope.mean), `${label}: slope ${stats.slope.mean} ± ${stats.slope.se}`).toBeLessThan(4.5 * stats.slope.se);
        expect(stats.curvature.mean).toBeGreaterThan(0);
        expect(stats.curvature.mean, `${label}: curvature ${stats.curvature.mean} vs slope SE ${stats.slope.se}`).toBeGreaterThan(4.5 * stats.slope.se);
      }
    });
  }

  for (const projection of PROJECTION_KINDS) {
    for (const varianceReduced of [true, false]) {
      it(`sliced SM (${projection}, ${varianceReduced ? 'VR' : 'plain'}) has the expectation of exact SM for any model`, () => {
        // Same points for both (common random numbers): the per-sample difference has mean 0 over projections.
        const { score } = tinyScoreNet(7);
        const x = mixture.sample(500, new Rng(2));
        const M = 8;
        const xs = tf.tile(x, [M, 1]);
        const v = sampleProjections(projection, xs.shape, new Rng(3));
        const sliced = take(slicedScoreMatchingLosses(score, xs, v, { varianceReduced }));
        const exact = take(exactScoreMatchingLosses(score, x));
        const diff = Array.from(sliced, (s, i) => s - exact[i % 500]);
        const { mean, se } = meanAndSe(diff);
        // Samples of one point across projections are independent given x, so the plain SE is valid; 4 SE.
        expectClose(mean, 0, 4 * se, 0, `sliced − exact: ${mean} ± ${se}`);
        // and the exact objective of this network is far from that of the true score (the test is not vacuous)
        const truth = meanAndSe(take(exactScoreMatchingLosses(exactScore(mixture), x)));
        expect(meanAndSe(exact).mean - truth.mean).toBeGreaterThan(10 * se);
      });
    }
  }

  for (const [actName, act] of [['tanh', tanh], ['silu', silu]] as const) {
    it(`weight gradients of exact and sliced SM (second order, core ${actName}) match finite differences`, () => {
      const { score, variables } = tinyScoreNet(5, 8, act);
      const x = mixture.sample(64, new Rng(1));
      for (const loss of [
        () => exactScoreMatchingLoss(score, x, new Rng(2)),
        () => slicedScoreMatchingLoss(score, x, new Rng(2), { projection: 'gaussian', varianceReduced: false }),
        () => slicedScoreMatchingLoss(score, x, new Rng(2), { projection: 'rademacher', projections: 3 }),
      ]) {
        const { analytic, fd } = weightGradientCheck(loss, variables, 3e-3);
        // Central differences with h = 3e-3: truncation ∝ h² measured at ≈ 2e-4 (it is 2e-3 at h = 1e-2), float32
        // rounding 6e-8·|L|/h ≈ 3e-5. Allow 2e-3 + 5e-3 relative. tfjs's own tanh/sigmoid give errors of 0.2–1.
        expectClose(analytic, fd, 2e-3, 5e-3, 'directional derivative');
      }
      variables.forEach((v) => v.dispose());
    });
  }

  it("negative control: with tfjs's own tanh the second-order weight gradient is wrong, and the check sees it", () => {
    const { score, variables } = tinyScoreNet(5, 8, tf.tanh);
    const x = mixture.sample(64, new Rng(1));
    const { analytic, fd } = weightGradientCheck(() => exactScoreMatchingLoss(score, x, new Rng(2)), variables, 3e-3);
    expect(Math.abs(analytic - fd)).toBeGreaterThan(0.1);
    variables.forEach((v) => v.dispose());
  });

  it('leaves no tensors behind, including under a gradient tape', async () => {
    const { score, variables } = tinyScoreNet(6);
    const x = mixture.sample(16, new Rng(1));
    const labels = tf.tensor1d([...Array(16).keys()], 'int32');
    await expectNoTensorLeak(() => {
      scalar(exactScoreMatchingLoss(score, x, new Rng(1)));
      scalar(slicedScoreMatchingLoss(score, { x, labels }, new Rng(1), { projections: 3 }));
      const { value, grads } = tf.variableGrads(() => slicedScoreMatchingLoss(score, x, new Rng(2)), variables);
      tf.dispose([value, grads]);
      const g = tf.variableGrads(() => exactScoreMatchingLoss(score, x, new Rng(2)), variables);
      tf.dispose([g.value, g.grads]);
    });
    variables.forEach((v) => v.dispose());
  });

  it('rejects bad input with messages that name the problem', () => {
    const score = exactScore(mixture);
    const x = mixture.sample(4, new Rng(1));
    expect(() => exactScoreMatchingLoss(score, tf.zeros([4]), new Rng(0))).toThrow(/x must have shape \[n, \.\.\.dims\]/);
    expect(() => exactScoreMatchingLoss(score, tf.zeros([4, 2], 'int32'), new Rng(0))).toThrow(/x must be float32; got int32/);
    expect(() => exactScoreMatchingLoss((y) => tf.slice(y, [0, 0], [-1, 1]), x, new Rng(0))).toThrow(/score model output must be shaped like x \[4,2\]; got \[4,1\]/);
    expect(() => slicedScoreMatchingLoss(score, x, new Rng(0), { projection: 'cauchy' as never, projections: 0 })).toThrow(
      /projection must be one of 'rademacher', 'gaussian', 'sphere'[\s\S]*projections must be an integer in \[1, 4096\]/,
    );
    expect(() => slicedScoreMatchingLoss(score, { x, labels: tf.zeros([3]) }, new Rng(0))).toThrow(/labels must have shape \[4\]/);
    expect(() => exactScoreMatchingLoss(score, x, new Rng(0), { sigma: 1 } as never)).toThrow(/sigma is not an option of this objective \(allowed: none\)/);
    expect(() => slicedScoreMatchingLosses(score, x, tf.zeros([4, 3]))).toThrow(/projections v must be shaped like x \[4,2\]; got \[4,3\]/);
  });
});
