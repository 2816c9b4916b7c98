import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { createSampler, type SamplerName } from '@scorekit/samplers';
import { SubVpSde, VeSde, VpSde, denoiserFromScore, predictionFrom, tidyPrediction, type Sde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectNoTensorLeak, twoSampleTest } from '@scorekit/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { classifierGuidance, mixtureClassifier } from '../src/index.js';
import { component, mixture } from './fixtures.js';

// With the exact score and the exact classifier at w = 1, the guided score ∇log p_t(x) + ∇log p_t(k | x) is the
// exact score of component k's marginal at every t, so any sampler must draw component k (up to its own
// discretisation error, which the samplers' tests bound at these step counts). The MMD permutation test (median
// bandwidth, 100 permutations, level 0.01) must accept against exact draws of component k and reject against each
// other component and against the unguided sampler. Measured p-values at n = 1000 were 0.27–0.69 for the guided
// runs and 1/101 (the smallest possible) for every comparison that must reject.
const N = 800;
const LEVEL = 0.01;
const TARGET = 1;

const cases: { name: SamplerName; options: object; sde: () => Sde }[] = [
  { name: 'euler-maruyama', options: { steps: 150 }, sde: () => new VpSde() },
  { name: 'pc', options: { steps: 60 }, sde: () => new SubVpSde() },
  { name: 'ddim', options: { steps: 30 }, sde: () => new VpSde() },
  { name: 'dpm-solver++', options: { steps: 15 }, sde: () => new VpSde() },
  { name: 'edm-heun', options: { steps: 15 }, sde: () => new VeSde({ sigmaMax: 10 }) },
  { name: 'ode', options: { method: 'rk4', steps: 20 }, sde: () => new VpSde() },
];

let exact: tf.Tensor[];
beforeAll(() => {
  exact = [0, 1, 2].map((k) => component(k).sample(N, new Rng(100 + k)));
});
afterAll(() => tf.dispose(exact));

async function guidedSamples(c: (typeof cases)[number], scale: number, labels: number[] = new Array(N).fill(TARGET)): Promise<tf.Tensor> {
  const sde = c.sde();
  const guided = classifierGuidance(denoiserFromScore(sde, mixture.scoreFn(sde)), mixtureClassifier(mixture, sde), { scale, labels });
  return (await createSampler(c.name, c.options).run({ denoiser: guided, shape: [labels.length, 2], seed: 7 })).samples;
}

describeOnBackends('classifier guidance with the exact mixture classifier', () => {
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.options)} on ${c.sde().name}, w = 1: draws component ${TARGET}, and not the others`, async () => {
      const samples = await guidedSamples(c, 1);
      const p = exact.map((e) => twoSampleTest(samples, e, { level: LEVEL }).pValue);
      samples.dispose();
      expect(p[TARGET], `p-value against component ${TARGET}`).toBeGreaterThan(LEVEL);
      for (const k of [0, 2]) expect(p[k], `p-value against component ${k}`).toBeLessThanOrEqual(LEVEL);
    });
  }

  it('unguided (w = 0) samples are rejected against the component: the test above has power', async () => {
    const samples = await guidedSamples(cases[3], 0);
    expect(twoSampleTest(samples, exact[TARGET], { level: LEVEL }).pValue).toBeLessThanOrEqual(LEVEL);
    samples.dispose();
  });

  it('a class per sample: half the batch to component 0, half to component 2', async () => {
    const labels = Array.from({ length: 2 * N }, (_, i) => (i < N ? 0 : 2));
    const samples = await guidedSamples(cases[3], 1, labels);
    const [first, second] = tf.split(samples, 2);
    expect(twoSampleTest(first, exact[0], { level: LEVEL }).pValue).toBeGreaterThan(LEVEL);
    expect(twoSampleTest(second, exact[2], { level: LEVEL }).pValue).toBeGreaterThan(LEVEL);
    expect(twoSampleTest(first, exact[2], { level: LEVEL }).pValue).toBeLessThanOrEqual(LEVEL);
    tf.dispose([samples, first, second]);
  });
}, ['cpu']);

describeOnBackends('classifier guidance, larger scales', () => {
  // Guidance with w > 1 does not sample the tilted density p(x)·p(y | x)^w exactly (tilting and diffusing do not
  // commute); what holds is that samples concentrate where the class is certain. Measured (n = 1000, VP,
  // DPM-Solver++ 20 steps, component 1): per-axis variances 0.366/0.603, 0.237/0.410, 0.197/0.337, 0.178/0.305 at
  // w = 1, 2, 4, 8, and the exact tilt's (rejection sampling, t = 0) 0.343/0.615, 0.308/0.495, 0.327/0.437,
  // 0.303/0.387 — guidance concentrates more than the tilt, and its mean moves further from the other components
  // (1.37/−1.00 vs 1.04/−0.75 at w = 2). The deterministic sampler is used because its output is a smooth function
  // of w for a fixed x_T, so the monotone trend is not blurred by noise.
  it('the spread shrinks and the mean class probability grows monotonically with w (DPM-Solver++)', async () => {
    const sde = new VpSde();
    const classifier = mixtureClassifier(mixture, sde);
    const spread: number[] = [];
    const confidence: number[] = [];
    for (const w of [0, 1, 2, 4, 8]) {
      const samples = await guidedSamples(cases[3], w);
      const { variance } = tf.moments(samples, 0);
      spread.push(tf.sum(variance).dataSync()[0]);
      confidence.push(tf.tidy(() => tf.mean(tf.exp(tf.slice(classifier.logProbs(samples, 0), [0, TARGET], [-1, 1]))).dataSync()[0]));
      tf.dispose([samples, variance]);
    }
    for (let i = 1; i < spread.length; i++) {
      expect(spread[i], `total variance at scale index ${i}: ${spread.join(', ')}`).toBeLessThan(spread[i - 1]);
      expect(confidence[i], `mean p(y | x) at scale index ${i}: ${confidence.join(', ')}`).toBeGreaterThan(confidence[i - 1]);
    }
    // At w = 1 the samples are component 1's: total variance 0.35 + 0.6 = 0.95 (± 0.1 for n = 800 and the solver).
    expect(Math.abs(spread[1] - 0.95)).toBeLessThan(0.1);
  });
}, ['cpu']);

describeOnBackends('classifier guidance as a denoiser', () => {
  it('its score is s + w·∇log p(y | x) and its ε, x̂₀ are those of that score, for every prediction kind of the base', () => {
    const sde = new VpSde();
    const classifier = mixtureClassifier(mixture, sde);
    const exactScore = mixture.scoreFn(sde);
    const x = tf.tensor2d([[0.3, -0.2], [-1, 1], [2, 0.5]]);
    const labels = [0, 1, 2];
    const t = 0.4;
    const alpha = sde.alpha(t);
    const sigma = sde.sigma(t);
    const tVec = tf.fill([3], t);
    const grad = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(classifier.logProbs(xx, t), tf.oneHot(tf.tensor1d(labels, 'int32'), 3))))(x);
    const want = tf.add(exactScore(x, tVec), tf.mul(grad, 2.5));
    // The base is the exact score lifted as an ε-prediction (and as the score itself): the guided denoiser must
    // keep the base's kind and agree on every reading.
    const lifted = denoiserFromScore(sde, exactScore);
    const asKind = (kind: 'eps' | 'x0' | 'v') => ({
      sde,
      predict: (xx: tf.Tensor, tt: tf.Tensor | number) => tidyPrediction(() => {
        const p = lifted.predict(xx, tt);
        return predictionFrom(kind, p[kind], xx, p.alpha, p.sigma);
      }),
    });
    for (const base of [lifted, asKind('eps'), asKind('x0'), asKind('v')]) {
      const p = classifierGuidance(base, classifier, { scale: 2.5, labels }).predict(x, t);
      expect(p.kind).toBe(base.predict(x, t).kind);
      // Scores of O(1–10) in float32, each kind converted once each way: 2e-5 absolute + relative.
      expectAllClose(p.score, want, 2e-5, 2e-5);
      expectAllClose(p.eps, tf.mul(want, -sigma), 2e-5, 2e-5);
      expectAllClose(p.x0, tf.div(tf.add(x, tf.mul(want, sigma * sigma)), alpha), 2e-5, 2e-5);
    }
    tf.dispose([x, tVec, grad, want]);
  });

  it('bad input: unknown class, wrong label count, classifier of another SDE or data shape, bad scale — one clear error each', () => {
    const sde = new VpSde();
    const base = denoiserFromScore(sde, mixture.scoreFn(sde));
    const classifier = mixtureClassifier(mixture, sde);
    expect(() => classifierGuidance(base, classifier, { scale: 1, labels: [0, 3] })).toThrow(/unknown class labels\[1\] = 3; allowed: integers in \[0, 3\)/);
    expect(() => classifierGuidance(base, classifier, { scale: 1, labels: [0, 1.5] })).toThrow(/unknown class labels\[1\] = 1.5/);
    expect(() => classifierGuidance(base, mixtureClassifier(mixture, new VpSde({ betaMax: 10 })), { scale: 1, labels: [0] })).toThrow(
      /classifier was made for another SDE than the denoiser's \(vp SDEs with α\(0.001\) = 0.99994\d+ vs 0.99994\d+\)/,
    );
    expect(() => classifierGuidance(base, mixtureClassifier(mixture, new VeSde()), { scale: 1, labels: [0] })).toThrow(/SDE 've' vs 'vp'/);
    expect(() => classifierGuidance(base, classifier, { scale: -1, labels: [0] })).toThrow(/scale must be a finite number ≥ 0; got -1/);
    // Same process, another instance: accepted.
    expect(() => classifierGuidance(base, mixtureClassifier(mixture, new VpSde()), { scale: 1, labels: [0] })).not.toThrow();
    const guided = classifierGuidance(base, classifier, { scale: 1, labels: [0, 1] });
    const x3 = tf.zeros([3, 2]);
    expect(() => guided.predict(x3, 0.5)).toThrow(/2 labels were given but x holds 3 samples/);
    const wide = tf.zeros([2, 3]);
    expect(() => guided.predict(wide, 0.5)).toThrow(/classifier takes samples of shape \[2\]; x is \[2, 3\]/);
    tf.dispose([x3, wide]);
  });

  it('tf.memory().numTensors stays flat across guided sampling runs', async () => {
    const sde = new VpSde();
    const guided = classifierGuidance(denoiserFromScore(sde, mixture.scoreFn(sde)), mixtureClassifier(mixture, sde), { scale: 2, labels: [0, 1, 2, 1] });
    for (const name of ['euler-maruyama', 'dpm-solver++', 'edm-heun'] as const) {
      await expectNoTensorLeak(async () => {
        const { samples } = await createSampler(name, { steps: 5 }).run({ denoiser: guided, shape: [4, 2], seed: 1 });
        samples.dispose();
      });
    }
  });
}, ['cpu', 'wasm']);
