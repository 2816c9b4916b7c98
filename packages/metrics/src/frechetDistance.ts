import type { FeatureStatistics } from './featureStatistics.js';
import { matmul, MATMUL_PRECISIONS } from './internal/gemm.js';
import type { MatmulPrecision } from './internal/gemm.js';
import { choiceOption } from './internal/options.js';
import { choleskyLower, symmetricEigen, symmetricEigenvalues } from './internal/symmetricEigen.js';

export interface FrechetDistanceOptions {
  /** How the two d³ products run; see {@link MatmulPrecision}. Default `auto`. */
  readonly matmul?: MatmulPrecision;
  /**
   * How Σ₁ is factored as FFᵀ. `auto` (default): Cholesky when Σ₁ is positive definite (≈12× cheaper than an
   * eigendecomposition at d = 2048), otherwise the eigendecomposition with negative eigenvalues clipped to 0.
   * `eigen`: always the eigendecomposition. Both give the same eigenvalues of FᵀΣ₂F up to rounding.
   */
  readonly factorisation?: 'auto' | 'eigen';
}

/**
 * The Fréchet distance between two Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂) — FID when they are fitted to Inception
 * features: ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr √(√Σ₁ Σ₂ √Σ₁).
 *
 * The trace term is computed in the symmetric form: Σ₁ = FFᵀ (Cholesky, or eigendecomposition with negative
 * eigenvalues clipped), then tr √(FᵀΣ₂F) from the eigenvalues of that symmetric positive semi-definite matrix,
 * clipped at 0. FᵀΣ₂F is orthogonally similar to √Σ₁ Σ₂ √Σ₁, so this is the quantity pytorch-fid computes with
 * `scipy.linalg.sqrtm(Σ₁Σ₂)` (pytorch-fid `fid_score.py calculate_frechet_distance`) and torchmetrics with
 * `eigvals(Σ₁Σ₂)`, but it needs no ε retry, never turns complex and stays finite when n ≤ d (singular Σ).
 * FID is biased in n: compare values only at equal sample counts.
 *
 * @example
 * const fidValue = frechetDistance(featureStatistics(real), await loadReference()); // e.g. 3.17
 */
export function frechetDistance(
  a: FeatureStatistics,
  b: FeatureStatistics,
  options: FrechetDistanceOptions = {},
): number {
  const precision = choiceOption(options.matmul, 'auto', 'matmul', MATMUL_PRECISIONS);
  const factorisation = choiceOption(options.factorisation, 'auto', 'factorisation', ['auto', 'eigen'] as const);
  checkStatistics(a, 'first statistics');
  checkStatistics(b, 'second statistics');
  if (a.d !== b.d) throw new Error(`statistics must have the same dimension; got d = ${a.d} and d = ${b.d}`);
  const d = a.d;
  let meanTerm = 0;
  let traceA = 0;
  let traceB = 0;
  for (let i = 0; i < d; i++) {
    const diff = a.mean[i] - b.mean[i];
    meanTerm += diff * diff;
    traceA += a.cov[i * d + i];
    traceB += b.cov[i * d + i];
  }
  return meanTerm + traceA + traceB - 2 * traceSqrtProduct(symmetrised(a.cov, d), symmetrised(b.cov, d), d, {
    precision,
    factorisation,
  });
}

/** tr √(√A B √A) for symmetric positive semi-definite A and B (d × d, row-major). */
function traceSqrtProduct(
  a: Float64Array,
  b: Float64Array,
  d: number,
  opts: { precision: MatmulPrecision; factorisation: 'auto' | 'eigen' },
): number {
  // F with FFᵀ = A: eigenvalues of FᵀBF equal those of √A B √A (both are similar to AB).
  let f = opts.factorisation === 'auto' ? choleskyLower(a, d) : null;
  if (f === null) {
    const { values, vectors } = symmetricEigen(a, d);
    f = vectors;
    for (let j = 0; j < d; j++) {
      const s = Math.sqrt(Math.max(values[j], 0));
      for (let i = 0; i < d; i++) f[i * d + j] *= s;
    }
  }
  const ft = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) ft[j * d + i] = f[i * d + j];
  const m = matmul(ft, matmul(b, f, d, d, d, opts.precision), d, d, d, opts.precision);
  let sum = 0;
  for (const v of symmetricEigenvalues(symmetrised(m, d), d)) sum += Math.sqrt(Math.max(v, 0));
  return sum;
}

function symmetrised(m: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    out[i * d + i] = m[i * d + i];
    for (let j = i + 1; j < d; j++) out[i * d + j] = out[j * d + i] = 0.5 * (m[i * d + j] + m[j * d + i]);
  }
  return out;
}

function checkStatistics(s: FeatureStatistics, name: string): void {
  if (typeof s !== 'object' || s === null || !Number.isInteger(s.d) || s.d < 1) {
    throw new Error(`${name} must be { n, d, mean, cov } with an integer dimension d ≥ 1`);
  }
  if (!(s.mean instanceof Float64Array) || s.mean.length !== s.d) {
    throw new Error(`${name}.mean must be a Float64Array of length d = ${s.d}`);
  }
  if (!(s.cov instanceof Float64Array) || s.cov.length !== s.d * s.d) {
    throw new Error(`${name}.cov must be a Float64Array of length d² = ${s.d * s.d} (row-major d × d)`);
  }
  for (const [field, arr] of [
    ['mean', s.mean],
    ['cov', s.cov],
  ] as const) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i])) throw new Error(`${name}.${field}[${i}] is ${arr[i]}; statistics must be finite`);
    }
  }
}
