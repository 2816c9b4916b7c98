import * as tf from '@tensorflow/tfjs-core';

/**
 * A Gaussian mixture as guidance reads it: the JSON of `@scorekit/data`'s `GaussianMixtureConfig` (weights, means,
 * and covariances or stds), or any object whose `toJSON()` returns one (a `GaussianMixture`).
 */
export interface MixtureSpec {
  readonly weights: readonly number[];
  readonly means: readonly (readonly number[])[];
  readonly covariances?: readonly (readonly (readonly number[])[])[];
  readonly stds?: readonly (number | readonly number[])[];
}

/** A {@link MixtureSpec}, or an object that serialises to one (`GaussianMixture` from `@scorekit/data`). */
export type MixtureLike = MixtureSpec | { toJSON(): MixtureSpec };

/** One component in its eigenbasis: Σ = U·diag(λ)·Uᵀ (U row-major d × d, columns eigenvectors). */
export interface MixtureComponent {
  readonly logWeight: number;
  readonly mean: Float64Array;
  readonly eigenvectors: Float64Array;
  readonly eigenvalues: Float64Array;
}

/** A parsed mixture: dimension, normalised weights and components. */
export interface ParsedMixture {
  readonly dim: number;
  readonly weights: readonly number[];
  readonly components: readonly MixtureComponent[];
}

/** Parses and checks a mixture, reporting every problem at once. */
export function parseMixture(mixture: MixtureLike, where: string): ParsedMixture {
  const spec: MixtureSpec | undefined =
    mixture != null && typeof (mixture as { toJSON?: unknown }).toJSON === 'function'
      ? (mixture as { toJSON(): MixtureSpec }).toJSON()
      : (mixture as MixtureSpec);
  const problems: string[] = [];
  const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (spec == null || typeof spec !== 'object') throw new Error(`${where}: the mixture must be { weights, means, covariances | stds } or a GaussianMixture`);
  const { weights, means, covariances, stds } = spec;
  if (!Array.isArray(weights) || weights.length === 0 || !weights.every((w) => isNum(w) && w >= 0) || !weights.some((w) => w > 0)) {
    problems.push('weights must be a non-empty array of non-negative numbers, not all zero');
  }
  const K = Array.isArray(weights) ? weights.length : 0;
  const dim = Array.isArray(means) && Array.isArray(means[0]) ? means[0].length : 0;
  if (!Array.isArray(means) || means.length !== K || !means.every((m) => Array.isArray(m) && m.length === dim && dim > 0 && m.every(isNum))) {
    problems.push(`means must be ${K} arrays of the same length d ≥ 1 (one per weight)`);
  }
  if ((covariances == null) === (stds == null)) problems.push('give exactly one of covariances (K × d × d) or stds (K numbers or K × d)');
  const covs: number[][][] = [];
  if (covariances != null) {
    if (!Array.isArray(covariances) || covariances.length !== K) problems.push(`covariances must be ${K} d × d matrices`);
    else
      covariances.forEach((c, k) => {
        const ok = Array.isArray(c) && c.length === dim && c.every((r) => Array.isArray(r) && r.length === dim && r.every(isNum));
        if (!ok) problems.push(`covariances[${k}] must be a ${dim} × ${dim} matrix of finite numbers`);
        else if (c.some((r: readonly number[], i: number) => r.some((v: number, j: number) => Math.abs(v - c[j][i]) > 1e-9 * (1 + Math.abs(v))))) problems.push(`covariances[${k}] must be symmetric`);
        else covs.push(c.map((r) => [...r]));
      });
  }
  if (stds != null) {
    if (!Array.isArray(stds) || stds.length !== K) problems.push(`stds must be ${K} entries (a number or ${dim} numbers each)`);
    else
      stds.forEach((s, k) => {
        const diag = typeof s === 'number' ? new Array<number>(dim).fill(s) : Array.isArray(s) && s.length === dim ? [...s] : null;
        if (!diag || !diag.every((v) => isNum(v) && v > 0)) problems.push(`stds[${k}] must be a positive number or ${dim} positive numbers`);
        else covs.push(diag.map((v, i) => diag.map((_, j) => (i === j ? v * v : 0))));
      });
  }
  if (problems.length > 0) throw new Error(`${where}: invalid Gaussian mixture:\n- ${problems.join('\n- ')}`);
  const total = weights.reduce((a, b) => a + b, 0);
  const normalised = weights.map((w) => w / total);
  const components = normalised.map((w, k) => {
    const { values, vectors } = jacobiEigen(covs[k]);
    const scale = Math.max(...values, 1e-300);
    if (values.some((v) => !(v > 1e-12 * scale))) {
      throw new Error(`${where}: covariances[${k}] must be positive definite; its eigenvalues are ${Array.from(values).join(', ')}`);
    }
    return { logWeight: Math.log(w), mean: Float64Array.from(means[k]), eigenvectors: vectors, eigenvalues: values };
  });
  return { dim, weights: normalised, components };
}

/**
 * Each component's log-density term log w_k + log N(x; α·μ_k, α²Σ_k + σ²I) ([n, K]) and score ([n, K, d]) for
 * per-sample α and σ² ([n, 1]). In component k's eigenbasis y = Uᵀ(x − αμ) the covariance is diagonal,
 * v = α²λ + σ², so no matrix is inverted: log N = −½Σ(y²/v + ln v) − (d/2) ln 2π, score = −U(y/v).
 */
export function mixtureTerms(mixture: ParsedMixture, x: tf.Tensor, alpha: tf.Tensor, sigma2: tf.Tensor, withScores: boolean): { logTerms: tf.Tensor; scores?: tf.Tensor } {
  const d = mixture.dim;
  const a2 = tf.square(alpha);
  const logTerms: tf.Tensor[] = [];
  const scores: tf.Tensor[] = [];
  for (const c of mixture.components) {
    const U = tf.tensor2d(Float32Array.from(c.eigenvectors), [d, d]);
    const y = tf.matMul(tf.sub(x, tf.mul(alpha, tf.tensor2d(Float32Array.from(c.mean), [1, d]))), U);
    const v = tf.add(tf.mul(a2, tf.tensor2d(Float32Array.from(c.eigenvalues), [1, d])), sigma2);
    const quad = tf.sum(tf.div(tf.square(y), v), 1);
    const logdet = tf.sum(tf.log(v), 1);
    logTerms.push(tf.sub(c.logWeight - 0.5 * d * Math.log(2 * Math.PI), tf.mul(tf.add(quad, logdet), 0.5)));
    if (withScores) scores.push(tf.neg(tf.matMul(tf.div(y, v), U, false, true)));
  }
  return { logTerms: tf.stack(logTerms, 1), ...(withScores ? { scores: tf.stack(scores, 1) } : {}) };
}

// Cyclic Jacobi rotations: exact to round-off for the small symmetric matrices of 2D/low-d mixtures, and keeps
// guidance free of a linear-algebra dependency.
function jacobiEigen(matrix: number[][]): { values: Float64Array; vectors: Float64Array } {
  const d = matrix.length;
  const a = matrix.map((r) => [...r]);
  const v: number[][] = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  const vectors = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) vectors[i * d + j] = v[i][j];
  return { values: Float64Array.from(a.map((r, i) => r[i])), vectors };
}
