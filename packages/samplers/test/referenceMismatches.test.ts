import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { VpSde, denoiserFromScore } from '@scorekit/sde';
import { describeOnBackends, expectAllClose } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { createSampler } from '../src/index.js';
import { aldCorrector } from '../src/internal/sdeSteps.js';
import { target } from './fixtures.js';

// The fixes of issue 13 item 7, each against the reference's own formulas run on the same inputs.
describeOnBackends('reference mismatches (issue 13, item 7)', () => {
  it("Euler–Maruyama is score_sde's loop: t_i = linspace(T, eps, N), dt = −1/N, x_mean returned (5 and 10 NFE)", async () => {
    const sde = new VpSde();
    const score = target.scoreFn(sde);
    for (const N of [5, 10]) {
      const ours = await createSampler('euler-maruyama', { steps: N }).run({ score, sde, shape: [64, 2], seed: 11 });
      // score_sde sampling.py get_pc_sampler + EulerMaruyamaPredictor, transcribed: same Rng, same draw order.
      const rng = new Rng(11);
      let x = sde.priorSample([64, 2], rng);
      let mean = x;
      const dt = -1 / N;
      for (let i = 0; i < N; i++) {
        const t = 1 + ((1e-3 - 1) * i) / (N - 1);
        const next = tf.tidy(() => {
          const drift = tf.sub(tf.mul(x, sde.driftRate(t)), tf.mul(score(x, tf.fill([64], t)), sde.diffusion(t) ** 2));
          const m = tf.add(x, tf.mul(drift, dt));
          return { m, x: tf.add(m, tf.mul(rng.normal([64, 2]), sde.diffusion(t) * Math.sqrt(-dt))) };
        });
        if (mean !== x) mean.dispose();
        x.dispose();
        x = next.x;
        mean = next.m;
      }
      // Same float32 ops in a different association (x(1 − f·dt) vs x + f·x·dt): a few ulps over N steps.
      expectAllClose(ours.samples, mean, 1e-5, 1e-5);
      expect(ours.nfe).toBe(N);
      tf.dispose([ours.samples, x, mean]);
    }
  });

  it("the PC corrector's α is 1 − βᵢ of the N-step chain in use (score_sde LangevinCorrector), not of N = 1000", () => {
    // score_sde VPSDE(N=25).discretize at t = 1: βᵢ = discrete_betas[24] = β₁/N = 20/25, α = 1 − 0.8 = 0.2 (4.9× smaller
    // than with N = 1000). With a zero noise draw, the ald corrector's mean is x + 2α(snr·σ(1))²·s(x).
    const sde = new VpSde();
    const d = denoiserFromScore(sde, (x) => tf.neg(x));
    const x = tf.tensor2d([[1, -2]]);
    const zero = { normal: (shape: number[]) => tf.zeros(shape) } as unknown as Rng;
    const out = tf.tidy(() => aldCorrector(0.16, 1)(x, { sde, predict: (y) => d.predict(y, 1), rng: zero, t: 1, s: 0.96, steps: 25, wantX0: false }).mean);
    const eps = 2 * (1 - 20 / 25) * (0.16 * sde.sigma(1)) ** 2;
    expectAllClose(out, tf.tensor2d([[1 - eps, -2 * (1 - eps)]]), 1e-7, 1e-7);
    tf.dispose([x, out]);
  });
});
