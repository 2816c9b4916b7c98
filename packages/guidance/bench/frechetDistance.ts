// The Fréchet distance between Gaussians fitted to two sets of feature rows, for the MNIST guidance bench. A
// guidance bench may not import @scorekit/metrics (layering: guidance sits on core, sde, models and samplers), so
// this is a small float64 version for the clean classifier's 64 features: ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ −
// 2 tr √(√Σ₁ Σ₂ √Σ₁), the trace term from the eigenvalues of FᵀΣ₂F with Σ₁ = FFᵀ (symmetric, stays real when
// n ≤ d and Σ is singular), as metrics' frechetDistance does. Covariances use n − 1, as pytorch-fid's np.cov.

/** Mean and covariance (n − 1) of n rows of d features, row-major. */
export function gaussianOf(rows: Float32Array | Float64Array, n: number, d: number): { mean: Float64Array; cov: Float64Array } {
  if (n < 2 || rows.length !== n * d) throw new Error(`gaussianOf: need n ≥ 2 rows of ${d} features; got ${rows.length} values for n = ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += rows[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = rows[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ca = centred[a]!;
      if (ca === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b]! += ca * centred[b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b]! / (n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return { mean, cov };
}

/** Eigenvalues and eigenvectors (columns) of a symmetric d × d matrix by cyclic Jacobi rotations (d ≤ a few hundred). */
export function symmetricEigen(matrix: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let scale = 0;
    for (let p = 0; p < d; p++) {
      scale += a[p * d + p]! ** 2;
      for (let q = p + 1; q < d; q++) off += a[p * d + q]! ** 2;
    }
    if (off <= 1e-30 * Math.max(scale, 1e-300)) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q]!;
        if (apq === 0) continue;
        const theta = (a[q * d + q]! - a[p * d + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p]!;
          const akq = a[k * d + q]!;
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k]!;
          const aqk = a[q * d + k]!;
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = a[i * d + i]!;
  return { values, vectors: v };
}

/** Fréchet distance between N(μ₁, Σ₁) and N(μ₂, Σ₂). */
export function frechetDistance(g1: { mean: Float64Array; cov: Float64Array }, g2: { mean: Float64Array; cov: Float64Array }): number {
  const d = g1.mean.length;
  if (g2.mean.length !== d) throw new Error(`frechetDistance: dimensions differ (${d} and ${g2.mean.length})`);
  let meanTerm = 0;
  let traces = 0;
  for (let i = 0; i < d; i++) {
    meanTerm += (g1.mean[i]! - g2.mean[i]!) ** 2;
    traces += g1.cov[i * d + i]! + g2.cov[i * d + i]!;
  }
  // F = V·diag(√λ) with Σ₁ = V diag(λ) Vᵀ (negative round-off eigenvalues clipped), then M = Fᵀ Σ₂ F.
  const { values, vectors } = symmetricEigen(g1.cov, d);
  const f = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) f[i * d + j] = vectors[i * d + j]! * Math.sqrt(Math.max(values[j]!, 0));
  const bf = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const b = g2.cov[i * d + k]!;
      if (b === 0) continue;
      for (let j = 0; j < d; j++) bf[i * d + j]! += b * f[k * d + j]!;
    }
  }
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += f[k * d + i]! * bf[k * d + j]!;
      m[i * d + j] = s;
      m[j * d + i] = s;
    }
  }
  let traceSqrt = 0;
  for (const ev of symmetricEigen(m, d).values) traceSqrt += Math.sqrt(Math.max(ev, 0));
  return meanTerm + traces - 2 * traceSqrt;
}
