import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose, expectClose } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { DdpmSde, SDE_NAMES, SubVpSde, VeSde, VpSde, createSde, sdeRegistry, type Sde } from '../src/index.js';

const sdes: Record<string, () => Sde> = {
  vp: () => new VpSde(),
  subvp: () => new SubVpSde(),
  ve: () => new VeSde(),
  'ddpm-linear': () => new DdpmSde({ schedule: 'linear' }),
  'ddpm-cosine': () => new DdpmSde({ schedule: 'cosine' }),
};
const times = [0.013, 0.1, 0.37, 0.5, 0.81, 0.99];

describe('linear SDEs: the perturbation kernel solves the SDE', () => {
  // For dx = f x dt + g dw, the mean obeys dα/dt = f·α and the variance dσ²/dt = 2f·σ² + g². Checking this by
  // central differences ties each SDE's drift and diffusion to its marginal. VE in score_sde's convention has
  // σ(t) = σ_min·r^t as its std, which satisfies the same equation (f = 0, g² = dσ²/dt).
  for (const [name, make] of Object.entries(sdes)) {
    it(`${name}: dα/dt = fα and dσ²/dt = 2fσ² + g²`, () => {
      const sde = make();
      // DDPM's α is piecewise; differentiate inside one segment (h well below 1/N) and away from knots.
      const h = name.startsWith('ddpm') ? 1e-5 : 1e-6;
      for (const t0 of times) {
        const t = name.startsWith('ddpm') ? (Math.floor(t0 * sde.N) + 0.5) / sde.N : t0;
        const dAlpha = (sde.alpha(t + h) - sde.alpha(t - h)) / (2 * h);
        const dVar = (sde.sigma(t + h) ** 2 - sde.sigma(t - h) ** 2) / (2 * h);
        const f = sde.driftRate(t);
        const g = sde.diffusion(t);
        // Central differences in float64: error O(h²·|f'''|) + O(1e-16/h) — far below 1e-6 relative.
        expectClose(dAlpha, f * sde.alpha(t), 1e-7, 1e-6, `${name} dα/dt at ${t}`);
        expectClose(dVar, 2 * f * sde.sigma(t) ** 2 + g * g, 1e-7, 1e-6, `${name} dσ²/dt at ${t}`);
      }
    });

    it(`${name}: timeForNoiseRatio inverts σ/α`, () => {
      const sde = make();
      for (const t of times) {
        const r = sde.sigma(t) / sde.alpha(t);
        expectClose(sde.timeForNoiseRatio(r), t, 1e-9, 1e-7, `${name} t(r(${t}))`);
      }
      expect(() => sde.timeForNoiseRatio(1e9)).toThrow(/ratio|exceeds/);
    });
  }

  it('VP and sub-VP share the mean; sub-VP std is VP variance (score_sde subVPSDE)', () => {
    const vp = new VpSde();
    const sub = new SubVpSde();
    for (const t of times) {
      expectClose(sub.alpha(t), vp.alpha(t), 0, 1e-15);
      expectClose(sub.sigma(t), vp.sigma(t) ** 2, 0, 1e-12);
    }
  });

  it('reference values: VP α(0.5) = e^{−1.26875}, VE σ(0.5) = 0.01·5000^0.5', () => {
    // lmc(0.5) = −¼·0.25·19.9 − ½·0.5·0.1 = −1.26875
    expectClose(new VpSde().alpha(0.5), Math.exp(-1.26875), 0, 1e-14);
    expectClose(new VeSde().sigma(0.5), 0.01 * Math.sqrt(5000), 0, 1e-14);
    expectClose(new VeSde().diffusion(0.5), 0.01 * Math.sqrt(5000) * Math.sqrt(2 * Math.log(5000)), 0, 1e-14);
  });

  it('DDPM: α(t_i)² is ᾱ_i on the grid, and the linear chain approximates the VP SDE', () => {
    const ddpm = new DdpmSde();
    let prod = 1;
    for (let i = 0; i < ddpm.N; i++) {
      prod *= 1 - ddpm.betas[i];
      if (i % 97 === 0) expectClose(ddpm.alpha(ddpm.timeOfStep(i)) ** 2, prod, 0, 1e-12);
    }
    expectClose(ddpm.betas[0], 1e-4, 0, 1e-12);
    expectClose(ddpm.betas[999], 0.02, 0, 1e-12);
    // β(t) = N·β_i for the linear chain, so ln ᾱ = Σ ln(1−β_s) ≈ −Σβ_s − ½Σβ_s² tracks the VP exponent; the
    // second-order term ½Σβ² ≈ 0.07 by t = 1 bounds the gap at ~1% of ln α.
    const vp = new VpSde();
    for (const t of [0.2, 0.5, 0.9]) expectClose(Math.log(ddpm.alpha(t)), Math.log(vp.alpha(t)), 0, 1.5e-2);
  });

  it('DDPM cosine: ᾱ follows cos²((t+s)/(1+s)·π/2) until β is clipped', () => {
    const ddpm = new DdpmSde({ schedule: 'cosine' });
    const f = (u: number) => Math.cos(((u + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (const i of [0, 100, 500, 900]) expectClose(ddpm.alphaBar(i), f((i + 1) / 1000) / f(0), 0, 1e-9);
    expect(Math.max(...ddpm.betas)).toBeLessThanOrEqual(0.999);
  });
});

describe('schedule and registry errors', () => {
  it('rejects bad configs with a message naming the field', () => {
    expect(() => new VpSde({ betaMax: 0.05 })).toThrow(/betaMax must be a number > betaMin/);
    expect(() => new VeSde({ sigmaMin: -1 })).toThrow(/sigmaMin must be a number > 0/);
    expect(() => new VpSde({ N: 1.5 })).toThrow(/N must be an integer/);
    expect(() => createSde({ name: 'vpp' })).toThrow(/name 'vpp' is not a known SDE \(allowed: vp, subvp, ve, ddpm\)/);
    expect(() => createSde({ name: 've', betaMin: 1 } as never)).toThrow(/betaMin is not an option \(allowed: sigmaMin/);
    expect(() => new DdpmSde({ schedule: 'quadratic' as never })).toThrow(/schedule must be one of 'linear', 'cosine'; got "quadratic"/);
  });

  it('reports every problem of an SDE config at once (constructors and the registry), with paths and allowed values', () => {
    const issuesOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).issues.map((i) => i.path);
      }
      return [];
    };
    // The constructors used to stop at the first bad field.
    expect(issuesOf(() => new VpSde({ betaMin: -1, N: 1.5, samplingEps: 2 }))).toEqual(['betaMin', 'N', 'samplingEps']);
    expect(issuesOf(() => new VeSde({ sigmaMin: 0, sigmaMax: -3 }))).toEqual(['sigmaMin', 'sigmaMax']);
    expect(issuesOf(() => new DdpmSde({ schedule: 'quadratic' as never, N: 0, cosineS: -1 }))).toEqual(['schedule', 'N', 'cosineS']);
    expect(issuesOf(() => createSde({ name: 've', betaMin: 1, N: 0 } as never))).toEqual(['betaMin', 'N']);
    // resolve() sees what create() would refuse, cross-field checks included, without building anything.
    expect(sdeRegistry.resolve({ name: 'vp', betaMin: 5, betaMax: 1 })).toEqual({
      ok: false,
      issues: [{ path: 'betaMax', problem: 'must be a number > betaMin (5); got 1', allowed: 'a number > betaMin (5)' }],
    });
    expect(sdeRegistry.resolve({ name: 'ddpm', betaStart: 0.01, betaEnd: 0.01 })).toMatchObject({ ok: true });
    expect(sdeRegistry.entry('ve')!.spec).toHaveProperty('sigmaMax.allowed', 'a number > 0');
    expect(SDE_NAMES).toEqual(sdeRegistry.names());
    expect(createSde({ name: 've', sigmaMax: 20 }).sigma(1)).toBeCloseTo(20, 10);
  });
});

describeOnBackends('SDE tensors', () => {
  it("VP and DDPM: float32 σ(t) is within 1e-6 relative of float64 across the small-t range where 1 − e^u cancels", () => {
    // The reference side-by-side run found 1.2e-5 relative error near t ≈ 0.006 (the old switch to 1 − e^u at
    // |u| = 1e-3). float32 carries 6e-8 per op; a dozen ops of the series and a sqrt stay below 1e-6.
    const small = Array.from({ length: 60 }, (_, k) => 1e-4 * 1.12 ** k); // 1e-4 … 0.08
    for (const sde of [new VpSde(), new DdpmSde()]) {
      const got = sde.marginalCoefficients(tf.tensor1d(small)).sigma.dataSync();
      const worst = Math.max(...small.map((t, k) => Math.abs(got[k] / sde.sigma(t) - 1)));
      expect(worst, `${sde.name} worst relative σ error`).toBeLessThan(1e-6);
    }
  });

  for (const [name, make] of Object.entries(sdes)) {
    it(`${name}: tensor coefficients agree with the float64 schedule`, () => {
      const sde = make();
      const t = tf.tensor1d(times);
      const x = tf.tensor2d(times.flatMap((v, i) => [v, -2 * i]), [times.length, 2]);
      const { alpha, sigma } = sde.marginalCoefficients(t);
      // float32 evaluation of exp/sqrt of O(10) arguments: 1e-5 relative.
      expectAllClose(alpha, times.map((v) => sde.alpha(v)), 1e-7, 1e-5);
      expectAllClose(sigma, times.map((v) => sde.sigma(v)), 1e-7, 1e-5);
      const { drift, diffusion } = sde.coefficients(x, t);
      expectAllClose(diffusion, times.map((v) => sde.diffusion(v)), 1e-6, 1e-5);
      const xv = x.arraySync() as number[][];
      expectAllClose(drift, times.flatMap((v, i) => xv[i].map((xi) => sde.driftRate(v) * xi)), 1e-6, 1e-5);
      const { mean, std } = sde.marginal(x, t);
      expectAllClose(mean, times.flatMap((v, i) => xv[i].map((xi) => sde.alpha(v) * xi)), 1e-6, 1e-5);
      expectAllClose(std, times.map((v) => sde.sigma(v)), 1e-7, 1e-5);
      tf.dispose([t, x, alpha, sigma, drift, diffusion, mean, std]);
    });
  }

  it('VP σ(t) stays accurate at tiny t in float32 (no cancellation in 1 − e^{2·lmc})', () => {
    const sde = new VpSde();
    const t = tf.tensor1d([1e-5, 1e-4, 1e-3]);
    expectAllClose(sde.marginalCoefficients(t).sigma, [1e-5, 1e-4, 1e-3].map((v) => sde.sigma(v)), 0, 1e-4);
    const sub = new SubVpSde();
    expectAllClose(sub.marginalCoefficients(t).sigma, [1e-5, 1e-4, 1e-3].map((v) => sub.sigma(v)), 0, 1e-4);
  });

  it('DDPM and discretize handle the ends t = 0 and t = 1 (indices clamp into range)', () => {
    const ddpm = new DdpmSde();
    const t = tf.tensor1d([0, 1]);
    const x = tf.ones([2, 1]);
    expectAllClose(ddpm.marginalCoefficients(t).alpha, [1, ddpm.alpha(1)], 1e-7, 1e-5);
    expectAllClose(ddpm.discretize(x, t).G, [Math.sqrt(ddpm.betas[0]), Math.sqrt(ddpm.betas[999])], 1e-7, 1e-5);
    expectAllClose(new VpSde().discretize(x, t).G, [Math.sqrt(1e-4), Math.sqrt(0.02)], 1e-7, 1e-5);
  });

  it('rejects a t that is not one time per sample', () => {
    const sde = new VpSde();
    expect(() => sde.marginal(tf.zeros([4, 2]), tf.zeros([3]))).toThrow(/t must have shape \[4\]/);
    expect(() => sde.coefficients(tf.zeros([4, 2]), tf.scalar(0.5))).toThrow(/t must have shape \[4\]/);
  });

  it('prior log-density is the Gaussian closed form, and prior samples have the prior std', () => {
    for (const sde of [new VpSde(), new VeSde({ sigmaMax: 7 })]) {
      const z = tf.tensor2d([0.5, -1, 3, 2, 0, 0], [3, 2]);
      const s2 = sde instanceof VeSde ? 49 : 1;
      const expected = [[0.5, -1], [3, 2], [0, 0]].map(([a, b]) => -Math.log(2 * Math.PI * s2) - (a * a + b * b) / (2 * s2));
      expectAllClose(sde.priorLogp(z), expected, 1e-5, 1e-6);
      const x = sde.priorSample([20000, 1], new Rng(4));
      const sd = Math.sqrt(tf.moments(x).variance.dataSync()[0]);
      // std of the sample std ≈ s/√(2n) = 0.5% — allow 5 of those.
      expectClose(sd, Math.sqrt(s2), 0, 0.025);
    }
  });

  it('VP and VE discretize reproduce score_sde: β_i = linspace(β₀/N, β₁/N, N), G² = σ_i² − σ_{i−1}²', () => {
    const N = 1000;
    const t = tf.tensor1d([0, 0.5, 1]);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const idx = [0, Math.floor(0.5 * 999), 999];
    const vp = new VpSde().discretize(x, t);
    const betas = idx.map((i) => 0.1 / N + (i * (20 - 0.1)) / (N * (N - 1)));
    expectAllClose(vp.G, betas.map(Math.sqrt), 1e-7, 1e-5);
    expectAllClose(vp.f, [1, 2, 3, 4, 5, 6].map((v, k) => (Math.sqrt(1 - betas[Math.floor(k / 2)]) - 1) * v), 1e-7, 1e-4);
    const ve = new VeSde().discretize(x, t);
    const sig = (i: number) => 0.01 * Math.exp((i * Math.log(5000)) / (N - 1));
    expectAllClose(ve.G, idx.map((i) => Math.sqrt(sig(i) ** 2 - (i === 0 ? 0 : sig(i - 1) ** 2))), 1e-7, 1e-4);
    const ddpm = new DdpmSde();
    const tGrid = tf.tensor1d([ddpm.timeOfStep(0), ddpm.timeOfStep(499), ddpm.timeOfStep(999)]);
    expectAllClose(ddpm.discretize(x, tGrid).G, [0, 499, 999].map((i) => Math.sqrt(ddpm.betas[i])), 1e-7, 1e-5);
  });

  it('reverse SDE and probability-flow ODE drifts for a known score', () => {
    const sde = new VpSde();
    const score = (x: tf.Tensor) => tf.mul(x, -2); // any fixed field will do
    const x = tf.tensor2d([1, -1, 0.5, 2], [2, 2]);
    const t = tf.tensor1d([0.3, 0.7]);
    const g2 = [0.3, 0.7].map((v) => sde.diffusion(v) ** 2);
    const f = [0.3, 0.7].map((v) => sde.driftRate(v));
    const xv = [[1, -1], [0.5, 2]];
    const rev = sde.reverse(score).coefficients(x, t);
    expectAllClose(rev.drift, xv.flatMap((r, i) => r.map((v) => f[i] * v - g2[i] * -2 * v)), 1e-5, 1e-5);
    expectAllClose(rev.diffusion, g2.map(Math.sqrt), 1e-6, 1e-6);
    const ode = sde.reverse(score, true).coefficients(x, t);
    expectAllClose(ode.drift, xv.flatMap((r, i) => r.map((v) => f[i] * v - 0.5 * g2[i] * -2 * v)), 1e-5, 1e-5);
    expectAllClose(ode.diffusion, [0, 0], 0);
    const disc = sde.reverse(score, true).discretize(x, t);
    expectAllClose(disc.G, [0, 0], 0);
  });

  it('simulating the forward SDE matches the marginal (Euler–Maruyama, sub-VP)', () => {
    // From x₀ = 1.5 the marginal at t is N(α(t)·1.5, σ(t)²). 4000 paths × 200 steps; the sample mean's standard
    // error is σ/√n ≈ 0.016·σ; Euler's bias with dt = 0.002 on this smooth SDE is ~1e-3.
    const sde = new SubVpSde();
    const rng = new Rng(10);
    const n = 4000;
    const steps = 200;
    const tEnd = 0.6;
    let x = tf.fill([n, 1], 1.5);
    for (let i = 0; i < steps; i++) {
      const next = tf.tidy(() => {
        const t = tf.fill([n], (i * tEnd) / steps);
        const { drift, diffusion } = sde.coefficients(x, t);
        const dt = tEnd / steps;
        return tf.add(tf.add(x, tf.mul(drift, dt)), tf.mul(tf.reshape(tf.mul(diffusion, Math.sqrt(dt)), [n, 1]), rng.normal([n, 1])));
      });
      x.dispose();
      x = next;
    }
    const { mean, variance } = tf.moments(x);
    const sigma = sde.sigma(tEnd);
    expectClose(mean.dataSync()[0], 1.5 * sde.alpha(tEnd), 5 * sigma / Math.sqrt(n) + 2e-3);
    expectClose(Math.sqrt(variance.dataSync()[0]), sigma, 5 * sigma / Math.sqrt(2 * n) + 2e-3);
    tf.dispose([x, mean, variance]);
  });
});
