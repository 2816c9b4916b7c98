import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { featureStatistics, fid, frechetDistance } from '../src/index.js';
import type { FeatureStatistics } from '../src/index.js';
import { reference } from './referenceData.js';

const stats = (mean: number[], cov: number[][]): FeatureStatistics => ({
  n: 100,
  d: mean.length,
  mean: Float64Array.from(mean),
  cov: Float64Array.from(cov.flat()),
});

function randomSet(rng: Rng, n: number, d: number, shift: number, scale: number): number[][] {
  const z = rng.normalArray(n * d);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (_, j) => shift + scale * (z[i * d + j] + 0.5 * z[i * d + ((j + 1) % d)])),
  );
}

describe('frechetDistance closed forms (float64 arithmetic)', () => {
  // All of these are exact rational/closed-form values; float64 eigen-solvers agree to ~1e-14 relative.
  it('1-D N(0, 1) vs N(1, 4): (0 − 1)² + 1 + 4 − 2·√4 = 2', () => {
    expectClose(frechetDistance(stats([0], [[1]]), stats([1], [[4]])), 2, 1e-12);
  });

  it('diagonal: means (1,2,3) vs 0, variances (1,4,9) vs (4,1,0.25): 14 + 19.25 − 2·(2 + 2 + 1.5) = 22.25', () => {
    const a = stats([1, 2, 3], [[1, 0, 0], [0, 4, 0], [0, 0, 9]]);
    const b = stats([0, 0, 0], [[4, 0, 0], [0, 1, 0], [0, 0, 0.25]]);
    expectClose(frechetDistance(a, b), 22.25, 1e-12);
    expectClose(frechetDistance(a, b, { factorisation: 'eigen' }), 22.25, 1e-12);
  });

  it('full 2 × 2 covariances: the value of the reference definition', () => {
    const a = stats([0, 0], [[2, 0.5], [0.5, 1]]);
    const b = stats([1, -1], [[1, -0.3], [-0.3, 0.5]]);
    expectClose(frechetDistance(a, b), 2.553301412770546, 1e-12);
    expectClose(frechetDistance(b, a), 2.553301412770546, 1e-12);
  });

  it('a singular Σ₁ (rank 1) is handled by the clipped eigendecomposition', () => {
    // Σ₁ = diag(1, 0): √Σ₁ Σ₂ √Σ₁ = diag(Σ₂[0][0], 0), so the trace term is √2 and FID = tr Σ₁ + tr Σ₂ − 2√2 = 4 − 2√2.
    const a = stats([0, 0], [[1, 0], [0, 0]]);
    const b = stats([0, 0], [[2, 0.7], [0.7, 1]]);
    expectClose(frechetDistance(a, b), 4 - 2 * Math.SQRT2, 1e-12);
  });
});

describe('fid on feature sets (float64 arithmetic)', () => {
  it('matches pytorch-fid (np.cov + scipy sqrtm) on the issue example', () => {
    expectClose(fid(reference.small.real, reference.small.fake), 0.94878180539003, 1e-12);
  });

  it('matches pytorch-fid on a random 16-D example', () => {
    // scipy's sqrtm (Schur) and our eigenvalue route agree to rounding: relative 1e-10 is generous.
    expectClose(fid(reference.random.real, reference.random.fake), reference.random.fid, 0, 1e-10);
  });

  it('stays finite and exact when n < d (singular covariances)', () => {
    const v = fid(reference.singular.real, reference.singular.fake);
    // With rank 11 of 20, nine eigenvalues of FᵀΣ₂F are zero up to rounding (≈ u·‖M‖ ≈ 1e-15); their square roots,
    // ≈ 3e-8 each, are noise that any implementation carries: 9 · 2 · 3e-8 ≈ 5e-7, so allow 1e-6.
    expectClose(v, reference.singular.fid, 1e-6);
    // pytorch-fid's sqrtm lands within 1e-7 here; the symmetric form is the reliable one for singular Σ.
    expectClose(v, reference.singular.fid_sqrtm, 0, 1e-6);
  });

  it('is symmetric, invariant to a shared translation and rotation, and scales as s²', () => {
    const rng = new Rng(7);
    const x = randomSet(rng, 40, 3, 0, 1);
    const y = randomSet(rng, 30, 3, 0.4, 1.3);
    const base = fid(x, y);
    expect(base).toBeGreaterThan(0.1);
    expectClose(fid(y, x), base, 1e-12, 1e-12);
    const shift = (s: number[][]) => s.map((r) => [r[0] + 5, r[1] - 3, r[2] + 1]);
    expectClose(fid(shift(x), shift(y)), base, 1e-11, 1e-11);
    // rotation about z by 0.7 rad and about x by −0.3 rad
    const c1 = Math.cos(0.7), s1 = Math.sin(0.7), c2 = Math.cos(-0.3), s2 = Math.sin(-0.3);
    const rot = (s: number[][]) =>
      s.map(([a, b, c]) => {
        const [p, q] = [c1 * a - s1 * b, s1 * a + c1 * b];
        return [p, c2 * q - s2 * c, s2 * q + c2 * c];
      });
    expectClose(fid(rot(x), rot(y)), base, 1e-11, 1e-11);
    const scale = (s: number[][]) => s.map((r) => r.map((v) => 2.5 * v));
    expectClose(fid(scale(x), scale(y)), 6.25 * base, 1e-11, 1e-11);
  });

  it('Cholesky and eigendecomposition factorisations agree', () => {
    const a = featureStatistics(reference.random.real);
    const b = featureStatistics(reference.random.fake);
    expectClose(frechetDistance(a, b), frechetDistance(a, b, { factorisation: 'eigen' }), 0, 1e-11);
  });

  it('FID of a set with itself is 0', () => {
    expectClose(fid(reference.random.real, reference.random.real), 0, 1e-10);
  });
});

describeOnBackends('fid through float32 matMul', () => {
  it('agrees with the float64 computation within the float32 error bound', () => {
    // 512-row chunks of float32 products summed in float64: covariance entries carry ~1e-6 relative error and
    // FID is first-order insensitive to them (README, error analysis); 1e-5 of tr Σ₁ + tr Σ₂ is a safe bound.
    const rng = new Rng(3);
    const x = randomSet(rng, 700, 24, 0.2, 1);
    const y = randomSet(rng, 600, 24, 0.25, 1.1);
    const exact = fid(x, y, { matmul: 'float64' });
    const sx = featureStatistics(x, { matmul: 'float64' });
    const sy = featureStatistics(y, { matmul: 'float64' });
    let traces = 0;
    for (let i = 0; i < 24; i++) traces += sx.cov[i * 24 + i] + sy.cov[i * 24 + i];
    expectClose(fid(x, y, { matmul: 'float32' }), exact, 1e-5 * traces);
    expectClose(fid(reference.random.real, reference.random.fake, { matmul: 'float32' }), reference.random.fid, 1e-4);
  });

  it('accepts tensors and flat arrays, and leaks no tensors', async () => {
    const real = tf.tensor2d(reference.random.real);
    const flat = { data: Float32Array.from(reference.random.fake.flat()), shape: [100, 16] as [number, number] };
    expectClose(fid(real, flat, { matmul: 'float32' }), reference.random.fid, 1e-4);
    await expectNoTensorLeak(() => fid(real, flat, { matmul: 'float32' }));
    real.dispose();
  });
});

describe('fid input errors', () => {
  it('names the argument and what is allowed', () => {
    expect(() => fid([[1, 2]], [[1, 2], [3, 4]])).toThrow(/real needs at least 2 samples/);
    expect(() => fid([[1, 2], [3, 4]], [[1], [2]])).toThrow(/same number of features.*2 and 1/);
    expect(() => fid([[1, NaN], [3, 4]], [[1, 2], [3, 4]])).toThrow(/real has a non-finite value \(NaN\) at row 0, column 1/);
    expect(() => fid([[1, 2], [3, 4]], { data: new Float32Array([1, Infinity, 3, 4]), shape: [2, 2] })).toThrow(
      /fake has a non-finite value \(Infinity\)/,
    );
    expect(() => fid([[1, 2], [3]], [[1, 2], [3, 4]])).toThrow(/real row 1 must be an array of 2 numbers/);
    expect(() => fid({ data: new Float64Array(3), shape: [2, 2] }, [[1, 2], [3, 4]])).toThrow(/real.data has 3 values/);
    expect(() => fid([[1], [2]], [[1], [2]], { matmul: 'fast' as never })).toThrow(/matmul must be one of auto, float32, float64/);
    expect(() => frechetDistance(stats([0], [[1]]), stats([0, 0], [[1, 0], [0, 1]]))).toThrow(/same dimension/);
  });
});
