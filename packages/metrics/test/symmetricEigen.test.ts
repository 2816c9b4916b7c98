import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { choleskyLower, symmetricEigen, symmetricEigenvalues } from '../src/internal/symmetricEigen.js';

// The WebAssembly build of Eigen against closed forms and an independent solver (ml-matrix's JAMA tred2/tql2).

function randomSymmetric(rng: Rng, n: number): Float64Array {
  const g = rng.normalArray(n * n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = g[i * n + j];
  return a;
}

/** Q diag(λ) Qᵀ with Q = I − 2vvᵀ/vᵀv: a dense symmetric matrix whose eigenvalues are exactly λ. */
function withEigenvalues(rng: Rng, lambda: number[]): Float64Array {
  const n = lambda.length;
  const v = rng.normalArray(n);
  let vv = 0;
  for (const x of v) vv += x * x;
  const q = (i: number, j: number): number => (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q(i, k) * lambda[k] * q(j, k);
      a[i * n + j] = s;
    }
  }
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('symmetric eigenvalues (Eigen, WebAssembly)', () => {
  it('recovers prescribed eigenvalues of a dense rotated diagonal matrix, ascending', () => {
    const lambda = [3, -2, 0.5, 7, 0, -0.25, 1e-3, 4];
    const values = symmetricEigenvalues(withEigenvalues(new Rng(1), lambda), lambda.length);
    expect(maxAbsDiff(values, [...lambda].sort((x, y) => x - y))).toBeLessThan(1e-13);
  });

  it('agrees with ml-matrix (JAMA tred2/tql2) on a random 60 × 60 matrix', () => {
    const n = 60;
    const a = randomSymmetric(new Rng(2), n);
    const jama = new EigenvalueDecomposition(Matrix.from1DArray(n, n, a), { assumeSymmetric: true }).realEigenvalues;
    // Both are backward stable: eigenvalue errors are O(ε‖A‖) with ‖A‖ ≈ 2√n ≈ 15.
    expect(maxAbsDiff(symmetricEigenvalues(a, n), jama)).toBeLessThan(1e-12);
  });

  it('eigenvectors are orthonormal and satisfy A v = λ v (n = 200)', () => {
    const n = 200;
    const a = randomSymmetric(new Rng(3), n);
    const { values, vectors } = symmetricEigen(a, n);
    expect(maxAbsDiff(values, symmetricEigenvalues(a, n))).toBeLessThan(1e-12);
    let residual = 0;
    let orthogonality = 0;
    for (let c = 0; c < n; c++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[k * n + c];
        residual = Math.max(residual, Math.abs(av - values[c] * vectors[i * n + c]));
      }
      for (let c2 = 0; c2 < n; c2++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += vectors[k * n + c] * vectors[k * n + c2];
        orthogonality = Math.max(orthogonality, Math.abs(dot - (c === c2 ? 1 : 0)));
      }
    }
    expect(residual).toBeLessThan(1e-11); // ‖A‖ ≈ 2√n ≈ 28
    expect(orthogonality).toBeLessThan(1e-12);
  });

  it('handles n = 1 and returns copies, not views of the solver memory', () => {
    const values = symmetricEigenvalues(Float64Array.of(-3.5), 1);
    expect(Array.from(values)).toEqual([-3.5]);
    expect(values.buffer.byteLength).toBe(8);
  });

  it('rejects a buffer that is not n × n, naming both', () => {
    expect(() => symmetricEigenvalues(new Float64Array(5), 2)).toThrow(/n × n matrix.*got n = 2, 5 values/);
    expect(() => choleskyLower(new Float64Array(4), 0)).toThrow(/integer n ≥ 1/);
  });
});

describe('Cholesky factor (Eigen LLT, WebAssembly)', () => {
  it('L is lower triangular with a positive diagonal and LLᵀ = A (n = 320: the blocked path)', () => {
    // Eigen's LLT switches to blocked updates above 128; n = 300 once overflowed the wasm stack (see build-wasm.sh).
    const n = 320;
    const g = new Rng(4).normalArray(n * n);
    const a = new Float64Array(n * n); // GGᵀ + I: positive definite
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < n; k++) s += g[i * n + k] * g[j * n + k];
        a[i * n + j] = s;
      }
    }
    const l = choleskyLower(a, n);
    expect(l).not.toBeNull();
    const lower = l as Float64Array;
    let product = 0;
    for (let i = 0; i < n; i++) {
      expect(lower[i * n + i]).toBeGreaterThan(0);
      for (let j = i + 1; j < n; j++) if (lower[i * n + j] !== 0) throw new Error(`L[${i}][${j}] = ${lower[i * n + j]}`);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += lower[i * n + k] * lower[j * n + k];
        product = Math.max(product, Math.abs(s - a[i * n + j]));
      }
    }
    expect(product).toBeLessThan(1e-10); // entries of A are ≈ n = 320, so this is ≈ 1e-13 relative
  });

  it('returns null for indefinite and singular matrices', () => {
    expect(choleskyLower(withEigenvalues(new Rng(5), [2, 1, -0.5]), 3)).toBeNull();
    expect(choleskyLower(Float64Array.of(1, 1, 1, 1), 2)).toBeNull();
  });
});
