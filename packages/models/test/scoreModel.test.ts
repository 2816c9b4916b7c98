import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { VeSde, VpSde, predictionFrom, type Sde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import {
  createNetwork,
  createScoreModel,
  PARAMETERISATIONS,
  type EnergyNetwork,
  type Network,
  type NoiseConditioning,
  type Parameterisation,
} from '../src/index.js';

// Data x₀ ~ N(μ, s0² I): under x_t = α x₀ + σ ε the posterior quantities are closed-form (v = α²s0² + σ²,
// r = x − αμ): score −r/v, E[ε|x] = σr/v, E[x₀|x] = μ + αs0²r/v. A "network" that outputs the ideal value of each
// parameterisation must give these back through the model's conversions.
const MU = [0.5, -1, 2];
const S0 = 0.7;
const SIGMA_DATA = 0.5;

const posterior = (x: tf.Tensor, alpha: tf.Tensor, sigma: tf.Tensor) =>
  tf.tidy(() => {
    const a = tf.reshape(alpha, [-1, 1]);
    const s = tf.reshape(sigma, [-1, 1]);
    const v = tf.add(tf.mul(tf.square(a), S0 * S0), tf.square(s));
    const r = tf.sub(x, tf.mul(a, tf.tensor2d([MU])));
    return {
      score: tf.neg(tf.div(r, v)),
      eps: tf.div(tf.mul(s, r), v),
      x0: tf.add(tf.tensor2d([MU]), tf.div(tf.mul(tf.mul(a, S0 * S0), r), v)),
      a,
      s,
    };
  });

/** Recovers (α, σ) from c_noise for the conditioning rules used below. */
function coefficientsFromC(sde: Sde, conditioning: NoiseConditioning, c: tf.Tensor) {
  const t =
    conditioning === 'time999'
      ? tf.div(c, 999)
      : conditioning === 'logSigma' // VE: σ = σ_min (σ_max/σ_min)^t
        ? tf.div(tf.log(tf.div(tf.exp(c), 0.01)), Math.log(50 / 0.01))
        : null;
  if (!t) throw new Error('unsupported conditioning in fake network');
  return sde.marginalCoefficients(t);
}

function idealNetwork(sde: Sde, parameterisation: Parameterisation, conditioning: NoiseConditioning, scaleBySigma: boolean): Network {
  const apply = (input: tf.Tensor, c: tf.Tensor) =>
    tf.tidy(() => {
      if (parameterisation === 'edm') {
        // Input is c_in·x̃ with c_in = 1/√(σ̃² + σd²), σ̃ = e^{4c}; E[x₀ | x̃] = μ + s0²/(s0² + σ̃²)(x̃ − μ).
        const st = tf.reshape(tf.exp(tf.mul(c, 4)), [-1, 1]);
        const denom = tf.add(tf.square(st), SIGMA_DATA ** 2);
        const xt = tf.mul(input, tf.sqrt(denom));
        const mu = tf.tensor2d([MU]);
        const x0 = tf.add(mu, tf.mul(tf.div(S0 * S0, tf.add(S0 * S0, tf.square(st))), tf.sub(xt, mu)));
        const cSkip = tf.div(SIGMA_DATA ** 2, denom);
        const cOut = tf.div(tf.mul(st, SIGMA_DATA), tf.sqrt(denom));
        return tf.div(tf.sub(x0, tf.mul(cSkip, xt)), cOut);
      }
      const { alpha, sigma } = coefficientsFromC(sde, conditioning, c);
      const p = posterior(input, alpha, sigma);
      switch (parameterisation) {
        case 'score':
          return scaleBySigma ? tf.mul(p.score, p.s) : p.score;
        case 'eps':
          return p.eps;
        case 'x0':
          return p.x0;
        case 'v':
          return tf.sub(tf.mul(p.a, p.eps), tf.mul(p.s, p.x0));
      }
    });
  return {
    kind: 'ideal',
    config: { name: 'ideal' },
    inputShape: [3],
    outputShape: [3],
    variables: [],
    parameterCount: 0,
    numClasses: 0,
    apply,
    trainableVariables: () => [],
    dispose: () => undefined,
  };
}

const CASES: { sde: () => Sde; parameterisation: Parameterisation; conditioning?: NoiseConditioning; scaleBySigma?: boolean; times: number[] }[] = [
  ...(['score', 'eps', 'x0', 'v', 'edm'] as const).map((parameterisation) => ({
    sde: () => new VpSde(),
    parameterisation,
    times: [0.05, 0.3, 0.7, 0.95],
  })),
  { sde: () => new VeSde(), parameterisation: 'score', times: [0.05, 0.3, 0.7, 0.95] }, // NCSN: F/σ by default
  { sde: () => new VeSde(), parameterisation: 'score', scaleBySigma: false, times: [0.05, 0.3, 0.7, 0.95] },
  { sde: () => new VeSde(), parameterisation: 'eps', times: [0.05, 0.3, 0.7, 0.95] },
  { sde: () => new VeSde(), parameterisation: 'edm', times: [0.05, 0.3, 0.7, 0.95] },
];

describeOnBackends('score model parameterisations', () => {
  for (const c of CASES) {
    const label = `${c.sde().name} / ${c.parameterisation}${c.scaleBySigma === false ? ' (unscaled)' : ''}`;
    it(`${label}: score, x̂₀ and ε̂ from the ideal network equal the Gaussian closed forms`, () => {
      const sde = c.sde();
      const probe = createScoreModel(idealNetwork(sde, 'score', 'time999', false), sde, {
        name: c.parameterisation,
        scaleBySigma: c.scaleBySigma,
      });
      const { conditioning, scaleBySigma } = probe.config;
      const model = createScoreModel(idealNetwork(sde, c.parameterisation, conditioning, scaleBySigma), sde, probe.config);
      const x = new Rng(1).normal([4, 3], 0, 2);
      const t = tf.tensor1d(c.times);
      const { alpha, sigma } = sde.marginalCoefficients(t);
      const exact = posterior(x, alpha, sigma);
      // float32 throughout; conversions divide by σ² ≥ 0.03 here: 1e-4 relative + 1e-4 absolute is ~1000 ulps.
      expectAllClose(model.scoreFn()(x, t), exact.score, 1e-4, 1e-3);
      tf.tidy(() => {
        const all = model.predict(x, t);
        expectAllClose(all.score, exact.score, 1e-4, 1e-3);
        expectAllClose(all.eps, exact.eps, 1e-4, 1e-3);
        expectAllClose(all.x0, exact.x0, 1e-4, 1e-3);
        expectAllClose(all.v, tf.sub(tf.mul(exact.a, exact.eps), tf.mul(exact.s, exact.x0)), 1e-4, 1e-3);
      });
      tf.dispose([x, t, alpha, sigma, exact.score, exact.eps, exact.x0, exact.a, exact.s]);
    });

    it(`${label}: the regression target converts back to the true ε, x₀ and −ε/σ`, () => {
      const sde = c.sde();
      const model = createScoreModel(idealNetwork(sde, 'score', 'time999', false), sde, {
        name: c.parameterisation,
        scaleBySigma: c.scaleBySigma,
      });
      const rng = new Rng(2);
      const x0 = rng.normal([4, 3]);
      const z = rng.normal([4, 3]);
      const t = tf.tensor1d(c.times);
      const { mean, std } = sde.marginal(x0, t);
      const xt = tf.add(mean, tf.mul(tf.reshape(std, [-1, 1]), z));
      const target = model.target(x0, z, t);
      tf.tidy(() => {
        const { alpha, sigma } = sde.marginalCoefficients(t);
        const p = predictionFrom(c.parameterisation === 'edm' ? 'x0' : c.parameterisation, target, xt, alpha, sigma);
        expectAllClose(p.eps, z, 1e-4, 1e-3);
        expectAllClose(p.x0, x0, 1e-4, 1e-3);
        expectAllClose(p.score, tf.neg(tf.div(z, tf.reshape(std, [-1, 1]))), 1e-4, 1e-3);
      });
      tf.dispose([x0, z, t, mean, std, xt, target]);
    });
  }

  it('noise conditioning: 999·t (VP), ln σ(t) (VE), ¼ ln(σ/α) (EDM), σ and t on request', () => {
    const ts = [0.01, 0.4, 1];
    const t = tf.tensor1d(ts);
    const net = createNetwork({ name: 'mlp', dim: 3 });
    const vp = new VpSde();
    const ve = new VeSde();
    // score_sde sde_lib.py: VP log-mean-coeff −¼t²(β₁−β₀) − ½tβ₀ with β 0.1 → 20; VE σ = 0.01·5000^t.
    const lmc = ts.map((s) => -0.25 * s * s * 19.9 - 0.5 * s * 0.1);
    const veSigma = ts.map((s) => 0.01 * 5000 ** s);
    const check = (sde: Sde, conditioning: NoiseConditioning, expected: number[]) => {
      const m = createScoreModel(net, sde, { conditioning });
      const got = m.noiseConditioning(t);
      expectAllClose(got, expected, 1e-4, 1e-5);
      got.dispose();
    };
    check(vp, 'time999', ts.map((s) => 999 * s));
    check(vp, 'time', ts);
    check(ve, 'logSigma', veSigma.map(Math.log));
    check(ve, 'sigma', veSigma);
    check(vp, 'edm', lmc.map((l) => 0.25 * Math.log(Math.sqrt(-Math.expm1(2 * l)) / Math.exp(l))));
    check(ve, 'edm', veSigma.map((s) => 0.25 * Math.log(s)));
    // Defaults: VP → eps + 999t, VE → NCSN score scaled by 1/σ with ln σ, EDM → ¼ ln σ.
    expect(createScoreModel(net, vp).config).toEqual({ name: 'eps', conditioning: 'time999', scaleBySigma: false, sigmaData: 0.5 });
    expect(createScoreModel(net, ve).config).toEqual({ name: 'score', conditioning: 'logSigma', scaleBySigma: true, sigmaData: 0.5 });
    expect(createScoreModel(net, ve, { name: 'edm' }).config.conditioning).toBe('edm');
    t.dispose();
    net.dispose();
  });

  it('energy model: score = −∇ₓE, checked by central finite differences of the energy', () => {
    const net = createNetwork({ name: 'energy', network: { name: 'mlp', dim: 3, width: 16, depth: 2, embeddingDim: 8, outputDim: 1 } }) as EnergyNetwork;
    randomizeLike(net, 4);
    for (const sde of [new VpSde(), new VeSde()]) {
      const model = createScoreModel(net, sde, { name: 'score' });
      expect(model.energy).toBeDefined();
      const energy = model.energy as NonNullable<typeof model.energy>;
      const xs = Array.from(new Rng(5).normalArray(6));
      const t = tf.tensor1d([0.2, 0.8]);
      const score = model.scoreFn()(tf.tensor2d(xs, [2, 3]), t).dataSync();
      const h = 1e-2;
      const fd: number[] = [];
      for (let i = 0; i < 6; i++) {
        const up = xs.slice();
        const down = xs.slice();
        up[i] += h;
        down[i] -= h;
        const eUp = energy(tf.tensor2d(up, [2, 3]), t).dataSync();
        const eDown = energy(tf.tensor2d(down, [2, 3]), t).dataSync();
        const row = Math.floor(i / 3);
        fd.push(-(eUp[row] - eDown[row]) / (2 * h));
      }
      // Central differences in float32 with h = 1e-2: rounding ~|E|·6e-8/h ≈ 1e-5·|E|, truncation O(h²)·|E'''|
      // ≈ 1e-4 for these O(1) smooth networks (and E/σ for VE, σ ≥ 0.06 here).
      expectAllClose(score, fd, 2e-3, 2e-3);
      t.dispose();
    }
    net.dispose();
  });

  it('predict, conversions and scoreFn leak no tensors', async () => {
    const net = createNetwork({ name: 'mlp', dim: 3, width: 8, depth: 1, embeddingDim: 8 });
    const x = tf.ones([2, 3]);
    const t = tf.tensor1d([0.3, 0.6]);
    for (const parameterisation of PARAMETERISATIONS) {
      const model = createScoreModel(net, new VpSde(), { name: parameterisation });
      await expectNoTensorLeak(() => {
        tf.dispose([model.scoreFn()(x, t), model.noiseConditioning(t)]);
        tf.tidy(() => {
          const p = model.predict(x, t);
          return [p.score, p.x0, p.eps, p.v];
        }).forEach((v) => v.dispose());
      });
    }
    tf.dispose([x, t]);
    net.dispose();
  });

  it('rejects bad configs and inputs with clear messages', () => {
    const net = createNetwork({ name: 'mlp', dim: 3 });
    expect(() => createScoreModel(net, new VpSde(), { name: 'noise' as never })).toThrow(
      /scoreModel.name must be one of 'score', 'eps', 'x0', 'v', 'edm', got 'noise'/,
    );
    expect(() => createScoreModel(net, new VpSde(), { name: 'eps', scaleBySigma: true })).toThrow(
      /scaleBySigma applies to the 'score' parameterisation only/,
    );
    const model = createScoreModel(net, new VpSde());
    expect(() => model.predict(tf.ones([2, 3]), tf.ones([3]))).toThrow(/t must have shape \[2\]/);
    net.dispose();
  });
});

function randomizeLike(net: Network, seed: number): void {
  const rng = new Rng(seed);
  for (const v of net.trainableVariables()) v.assign(tf.tensor(rng.normalArray(v.size, 0, 0.5), v.shape));
}
