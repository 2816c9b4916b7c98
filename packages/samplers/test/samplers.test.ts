import type * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { DdpmSde, SubVpSde, VeSde, VpSde, type Sde } from '@scorekit/sde';
import { describeOnBackends, twoSampleTest } from '@scorekit/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSampler, type SamplerName } from '../src/index.js';
import { LoudRng, scaledScore, target } from './fixtures.js';

// Each sampler with the exact mixture score must give samples that an MMD permutation test (median bandwidth,
// 100 permutations, so p ≥ 1/101) cannot tell from exact ones at level 0.01; the same sampler broken — all its Gaussian noise
// 1.2× too wide, or for deterministic samplers the score too large — must be rejected at that level. At n = 1000
// per side the broken stochastic samplers sat only 4–6 null spreads (≈ 7e-4 in MMD²) above the null, too close to
// its 1% tail; n = 1500 puts them at 6–9 (measured), while the correct samplers stay within ±1. Seeds are fixed, so each outcome is reproducible.
const N = 1500;
const LEVEL = 0.01;

interface Case {
  readonly name: SamplerName;
  readonly options: object;
  readonly sde: () => Sde;
  /** How the broken variant is broken: all Gaussian noise × 1.2, or the score × 1.2. */
  readonly breakBy: 'noise' | 'score';
  /** The wrong score factor (default 1.2). */
  readonly factor?: number;
}

const cases: Case[] = [
  { name: 'euler-maruyama', options: { steps: 200 }, sde: () => new VpSde(), breakBy: 'noise' },
  { name: 'reverse-diffusion', options: { steps: 200 }, sde: () => new VeSde({ sigmaMax: 10 }), breakBy: 'noise' },
  { name: 'ancestral', options: { steps: 200 }, sde: () => new DdpmSde({ N: 200 }), breakBy: 'noise' },
  { name: 'pc', options: { steps: 100 }, sde: () => new SubVpSde(), breakBy: 'noise' },
  { name: 'annealed-langevin', options: { sigmas: [3, 2, 1.3, 0.8, 0.5, 0.3, 0.2, 0.1, 0.05, 0.02], stepsPerLevel: 20, stepSize: 2e-4 }, sde: () => new VeSde({ sigmaMax: 10 }), breakBy: 'noise' },
  { name: 'langevin', options: { steps: 200, stepSize: 0.05 }, sde: () => new VpSde(), breakBy: 'noise' },
  // MALA's Metropolis step corrects a wrong proposal width by design (p ≈ 0.03 at n = 1000), so its detectable bug
  // is a wrong score, whose line integral then makes it target p^factor (× 1.2 moves the spread by only 9%).
  { name: 'mala', options: { steps: 100, stepSize: 1 }, sde: () => new VpSde(), breakBy: 'score', factor: 1.5 },
  { name: 'ode', options: {}, sde: () => new VpSde(), breakBy: 'score' },
  { name: 'ode', options: { method: 'rk4', steps: 25 }, sde: () => new VeSde({ sigmaMax: 10 }), breakBy: 'score' },
  { name: 'ddim', options: { steps: 50 }, sde: () => new VpSde(), breakBy: 'score' },
  { name: 'ddim', options: { steps: 200, eta: 1 }, sde: () => new VpSde(), breakBy: 'noise' },
  { name: 'dpm-solver++', options: { steps: 15 }, sde: () => new VpSde(), breakBy: 'score' },
  { name: 'edm-heun', options: { steps: 18 }, sde: () => new VpSde(), breakBy: 'score' },
  { name: 'edm-heun', options: { steps: 18, churn: 10 }, sde: () => new VeSde({ sigmaMax: 10 }), breakBy: 'noise' },
];

let exact: tf.Tensor;
beforeAll(() => {
  exact = target.sample(N, new Rng(2024));
});
afterAll(() => exact.dispose());

async function pValue(c: Case, broken: boolean): Promise<number> {
  const sde = c.sde();
  const exactScore = target.scoreFn(sde);
  const score = broken && c.breakBy === 'score' ? scaledScore(exactScore, c.factor ?? 1.2) : exactScore;
  const rng = broken && c.breakBy === 'noise' ? new LoudRng(7) : new Rng(7);
  const { samples } = await createSampler(c.name, c.options).run({ score, sde, shape: [N, 2], rng });
  const result = twoSampleTest(samples, exact, { level: LEVEL, permutations: 100 });
  samples.dispose();
  return result.pValue;
}

describeOnBackends(
  'samplers on the exact mixture score',
  () => {
    for (const c of cases) {
      const label = `${c.name} ${JSON.stringify(c.options)} on ${c.sde().name}`;
      it(`${label}: matches exact samples`, async () => {
        expect(await pValue(c, false)).toBeGreaterThan(LEVEL);
      });
      it(`${label}: broken (${c.breakBy === 'noise' ? 'noise × 1.2' : `score × ${c.factor ?? 1.2}`}) is rejected`, async () => {
        expect(await pValue(c, true)).toBeLessThanOrEqual(LEVEL);
      });
    }
  },
  ['cpu'],
);

// The same statistics on wasm for a representative subset (the Rng draws are backend-independent).
describeOnBackends(
  'samplers on the exact mixture score',
  () => {
    for (const c of [cases[0], cases[11]]) {
      it(`${c.name} on ${c.sde().name}: matches exact samples, and broken is rejected`, async () => {
        expect(await pValue(c, false)).toBeGreaterThan(LEVEL);
        expect(await pValue(c, true)).toBeLessThanOrEqual(LEVEL);
      });
    }
  },
  ['wasm'],
);
