import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { denoiserFromScore, predictionFrom, tidyPrediction, type Denoiser, type ScoreFn, type Sde } from '@scorekit/sde';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * A Gaussian mixture given by weights, means and either full covariances, per-axis stds or one std per component.
 * This is also the JSON format of `--score analytic:mixture.json`.
 */
export interface GaussianMixtureConfig {
  /** Component weights (non-negative; normalised to sum 1). */
  readonly weights: readonly number[];
  /** Component means, K × d. */
  readonly means: readonly (readonly number[])[];
  /** Full covariances, K × d × d (symmetric positive definite). */
  readonly covariances?: readonly (readonly (readonly number[])[])[];
  /** Standard deviations: one number per component (isotropic), or d numbers per component (diagonal). */
  readonly stds?: readonly (number | readonly number[])[];
}

interface Component {
  readonly logWeight: number;
  readonly mean: Float64Array;
  /** Σ = U·diag(λ)·Uᵀ, U stored row-major d × d (columns are eigenvectors). */
  readonly eigenvectors: Float64Array;
  readonly eigenvalues: Float64Array;
}

/**
 * A Gaussian mixture in d dimensions with exact density, score and samples — and, because a linear SDE maps
 * N(μ, Σ) to N(α·μ, α²Σ + σ²I), the exact score of its perturbed marginal p_t under any {@link Sde}. That is what
 * lets every sampler, objective and likelihood be tested without a trained network.
 *
 * @example
 * const gm = new GaussianMixture({ weights: [0.8, 0.2], means: [[5, 5], [-5, -5]], stds: [1, 1] });
 * const x = gm.sample(1000, new Rng(0));
 * const score = gm.scoreFn(new VpSde()); // exact ∇ₓ log p_t(x)
 */
export class GaussianMixture {
  readonly dim: number;
  readonly weights: readonly number[];
  private readonly components: readonly Component[];
  private readonly config: GaussianMixtureConfig;

  constructor(config: GaussianMixtureConfig) {
    const { weights, dim, covariances } = validateMixture(config);
    this.dim = dim;
    const total = weights.reduce((a, b) => a + b, 0);
    this.weights = weights.map((w) => w / total);
    this.config = config;
    this.components = this.weights.map((w, k) => {
      const { values, vectors } = symmetricEigen(covariances[k], k);
      return { logWeight: Math.log(w), mean: Float64Array.from(config.means[k]), eigenvectors: vectors, eigenvalues: values };
    });
  }

  /** Builds a mixture from parsed JSON, with errors that name the offending field. */
  static fromJSON(json: unknown): GaussianMixture {
    return new GaussianMixture(json as GaussianMixtureConfig);
  }

  /** The configuration this mixture was built from (JSON-serialisable). */
  toJSON(): GaussianMixtureConfig {
    return this.config;
  }

  /** The mixture of p_t for scalar α, σ: means α·μ_k, covariances α²Σ_k + σ²I. */
  perturbed(alpha: number, sigma: number): GaussianMixture {
    return new GaussianMixture({
      weights: this.weights,
      means: this.components.map((c) => Array.from(c.mean, (m) => alpha * m)),
      covariances: this.components.map((c) => covarianceOf(c, alpha, sigma)),
    });
  }

  /** Mixture mean Σ w_k μ_k. */
  mean(): number[] {
    const m = new Array(this.dim).fill(0);
    this.components.forEach((c, k) => c.mean.forEach((v, j) => (m[j] += this.weights[k] * v)));
    return m;
  }

  /** Mixture covariance Σ w_k (Σ_k + μ_k μ_kᵀ) − μμᵀ. */
  covariance(): number[][] {
    const m = this.mean();
    const out = m.map(() => new Array(this.dim).fill(0));
    this.components.forEach((c, k) => {
      const cov = covarianceOf(c, 1, 0);
      for (let i = 0; i < this.dim; i++)
        for (let j = 0; j < this.dim; j++) out[i][j] += this.weights[k] * (cov[i][j] + c.mean[i] * c.mean[j]);
    });
    for (let i = 0; i < this.dim; i++) for (let j = 0; j < this.dim; j++) out[i][j] -= m[i] * m[j];
    return out;
  }

  /** Exact samples ([n, d]) and the component each came from. */
  sampleWithLabels(n: number, rng: Rng): { x: tf.Tensor2D; labels: Int32Array } {
    if (!Number.isInteger(n) || n < 0) throw new Error(`GaussianMixture.sample: n must be a non-negative integer; got ${n}`);
    const d = this.dim;
    const out = new Float32Array(n * d);
    const labels = new Int32Array(n);
    const cumulative = this.weights.map(((s) => (w: number) => (s += w))(0));
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      let k = cumulative.findIndex((c) => u < c);
      if (k < 0) k = this.components.length - 1;
      labels[i] = k;
      const c = this.components[k];
      const z = rng.normalArray(d);
      for (let a = 0; a < d; a++) {
        let v = c.mean[a];
        for (let b = 0; b < d; b++) v += c.eigenvectors[a * d + b] * Math.sqrt(c.eigenvalues[b]) * z[b];
        out[i * d + a] = v;
      }
    }
    return { x: tf.tensor2d(out, [n, d]), labels };
  }

  /** Exact samples, [n, d]. */
  sample(n: number, rng: Rng): tf.Tensor2D {
    return this.sampleWithLabels(n, rng).x;
  }

  /** log p(x) per sample ([n]). */
  logProb(x: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => this.evaluate(x, tf.ones([x.shape[0]]), tf.zeros([x.shape[0]])).logp);
  }

  /** ∇ₓ log p(x), shaped like x. */
  score(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.evaluate(x, tf.ones([x.shape[0]]), tf.zeros([x.shape[0]])).score);
  }

  /** log p_t(x) under `sde`, per-sample t ([n]). */
  logProbAt(x: tf.Tensor, t: tf.Tensor, sde: Sde): tf.Tensor1D {
    return tf.tidy(() => {
      const { alpha, sigma } = sde.marginalCoefficients(t);
      return this.evaluate(x, alpha, sigma).logp;
    });
  }

  /** The exact score of p_t under `sde`: a {@link ScoreFn} for samplers, objectives and likelihoods. */
  scoreFn(sde: Sde): ScoreFn {
    return (x, t) =>
      tf.tidy(() => {
        const { alpha, sigma } = sde.marginalCoefficients(t);
        return this.evaluate(x, alpha, sigma).score;
      });
  }

  /**
   * The exact denoiser of p_t under `sde`: `predict(x, t)` reads the exact score (as {@link scoreFn}), and
   * `predictAtNoise(x̄, σ̄)` gives the exact posterior mean E[x₀ | x̄] of x̄ = x₀ + σ̄·ε directly, with no time in
   * between — k-diffusion's D(x̄; σ̄), what EDM Heun calls.
   *
   * @example
   * const denoiser = gm.denoiser(new VpSde());
   * const x0 = denoiser.predictAtNoise!(xbar, 0.5).x0; // Σ_k r_k (μ_k + Σ_k(Σ_k + σ̄²I)⁻¹(x̄ − μ_k))
   */
  denoiser(sde: Sde): Denoiser {
    const byScore = denoiserFromScore(sde, this.scoreFn(sde));
    return {
      sde,
      predict: byScore.predict,
      predictAtNoise: (xbar, sigmaBar) => {
        if (typeof sigmaBar !== 'number' || !(sigmaBar > 0) || !Number.isFinite(sigmaBar)) {
          throw new Error(`GaussianMixture.denoiser: sigmaBar must be a finite number > 0; got ${sigmaBar}`);
        }
        return tidyPrediction(() => {
          const n = xbar.shape[0];
          const x0 = this.evaluate(xbar, tf.ones([n]), tf.fill([n], sigmaBar), true).x0!;
          return predictionFrom('x0', x0, xbar, 1, sigmaBar);
        });
      },
    };
  }

  // For per-sample α, σ ([n]): in component k's eigenbasis y = Uᵀ(x − αμ) the covariance is diagonal with
  // v = α²λ + σ², so log N = −½Σ(y²/v + ln v) − (d/2)ln 2π and the component score is −U(y/v).
  // The posterior mean of component k is E[x₀ | x, k] = μ + U(αλ/v ⊙ y) (Gaussian conditioning), so x̂₀ = Σ r_k of it
  // with no cancellation between x and σ²·score.
  private evaluate(x: tf.Tensor, alpha: tf.Tensor, sigma: tf.Tensor, withX0 = false): { logp: tf.Tensor1D; score: tf.Tensor2D; x0?: tf.Tensor2D } {
    const d = this.dim;
    if (x.rank !== 2 || x.shape[1] !== d) {
      throw new Error(`GaussianMixture: x must have shape [n, ${d}]; got [${x.shape.join(',')}]`);
    }
    return tf.tidy(() => {
      const a = tf.reshape(alpha, [-1, 1]);
      const s2 = tf.reshape(tf.square(sigma), [-1, 1]);
      const a2 = tf.square(a);
      const logTerms: tf.Tensor[] = [];
      const scores: tf.Tensor[] = [];
      const means: tf.Tensor[] = [];
      for (const c of this.components) {
        const U = tf.tensor2d(Float32Array.from(c.eigenvectors), [d, d]);
        const centred = tf.sub(x, tf.mul(a, tf.tensor2d(Float32Array.from(c.mean), [1, d])));
        const y = tf.matMul(centred, U);
        const v = tf.add(tf.mul(a2, tf.tensor2d(Float32Array.from(c.eigenvalues), [1, d])), s2);
        const quad = tf.sum(tf.div(tf.square(y), v), 1);
        const logdet = tf.sum(tf.log(v), 1);
        logTerms.push(tf.sub(c.logWeight - 0.5 * d * Math.log(2 * Math.PI), tf.mul(tf.add(quad, logdet), 0.5)));
        scores.push(tf.neg(tf.matMul(tf.div(y, v), U, false, true)));
        if (withX0) {
          const lambda = tf.tensor2d(Float32Array.from(c.eigenvalues), [1, d]);
          const shrunk = tf.div(tf.mul(tf.mul(a, lambda), y), v);
          means.push(tf.add(tf.tensor2d(Float32Array.from(c.mean), [1, d]), tf.matMul(shrunk, U, false, true)));
        }
      }
      const stacked = tf.stack(logTerms, 1); // [n, K]
      const logp = tf.logSumExp(stacked, 1);
      const resp = tf.exp(tf.sub(stacked, tf.reshape(logp, [-1, 1]))); // [n, K]
      const score = tf.sum(tf.mul(tf.stack(scores, 1), tf.expandDims(resp, 2)), 1);
      const x0 = withX0 ? (tf.sum(tf.mul(tf.stack(means, 1), tf.expandDims(resp, 2)), 1) as tf.Tensor2D) : undefined;
      return { logp: logp as tf.Tensor1D, score: score as tf.Tensor2D, ...(x0 ? { x0 } : {}) };
    });
  }
}

function covarianceOf(c: Component, alpha: number, sigma: number): number[][] {
  const d = c.eigenvalues.length;
  const out: number[][] = [];
  for (let i = 0; i < d; i++) {
    out.push([]);
    for (let j = 0; j < d; j++) {
      let v = i === j ? sigma * sigma : 0;
      for (let k = 0; k < d; k++) v += alpha * alpha * c.eigenvectors[i * d + k] * c.eigenvalues[k] * c.eigenvectors[j * d + k];
      out[i].push(v);
    }
  }
  return out;
}

function symmetricEigen(cov: number[][], k: number): { values: Float64Array; vectors: Float64Array } {
  const d = cov.length;
  const evd = new EigenvalueDecomposition(new Matrix(cov), { assumeSymmetric: true });
  const values = Float64Array.from(evd.realEigenvalues);
  const scale = Math.max(...values.map(Math.abs), 1e-300);
  if (values.some((v) => !(v > 1e-12 * scale))) {
    throw new Error(`GaussianMixture: covariances[${k}] must be positive definite; its eigenvalues are ${Array.from(values).join(', ')}`);
  }
  const V = evd.eigenvectorMatrix;
  const vectors = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) vectors[i * d + j] = V.get(i, j);
  return { values, vectors };
}

function validateMixture(config: GaussianMixtureConfig): { weights: number[]; dim: number; covariances: number[][][] } {
  const problems: string[] = [];
  const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (config == null || typeof config !== 'object') throw new Error('GaussianMixture: expected an object { weights, means, covariances | stds }');
  const { weights, means, covariances, stds } = config;
  if (!Array.isArray(weights) || weights.length === 0 || !weights.every((w) => isNum(w) && w >= 0) || !weights.some((w) => w > 0)) {
    problems.push('weights must be a non-empty array of non-negative numbers, not all zero');
  }
  const K = Array.isArray(weights) ? weights.length : 0;
  if (!Array.isArray(means) || means.length !== K) problems.push(`means must be an array of ${K} mean vectors (one per weight)`);
  const dim = Array.isArray(means) && Array.isArray(means[0]) ? means[0].length : 0;
  if (Array.isArray(means) && !means.every((m) => Array.isArray(m) && m.length === dim && dim > 0 && m.every(isNum))) {
    problems.push(`means must all be arrays of the same length d ≥ 1 with finite numbers`);
  }
  if ((covariances == null) === (stds == null)) problems.push('give exactly one of covariances (K × d × d) or stds (K numbers or K × d)');
  const covs: number[][][] = [];
  if (covariances != null) {
    if (!Array.isArray(covariances) || covariances.length !== K) problems.push(`covariances must be an array of ${K} d × d matrices`);
    else
      covariances.forEach((c, k) => {
        const ok = Array.isArray(c) && c.length === dim && c.every((r) => Array.isArray(r) && r.length === dim && r.every(isNum));
        if (!ok) problems.push(`covariances[${k}] must be a ${dim} × ${dim} matrix of finite numbers`);
        else {
          const m = c as readonly (readonly number[])[];
          const asymmetric = m.some((r, i) => r.some((v, j) => Math.abs(v - m[j][i]) > 1e-9 * (1 + Math.abs(v))));
          if (asymmetric) problems.push(`covariances[${k}] must be symmetric`);
          else covs.push(m.map((r) => [...r]));
        }
      });
  }
  if (stds != null) {
    if (!Array.isArray(stds) || stds.length !== K) problems.push(`stds must be an array of ${K} entries (a number or ${dim} numbers each)`);
    else
      stds.forEach((s, k) => {
        const diag = typeof s === 'number' ? new Array(dim).fill(s) : Array.isArray(s) && s.length === dim ? [...s] : null;
        if (!diag || !diag.every((v) => isNum(v) && v > 0)) problems.push(`stds[${k}] must be a positive number or ${dim} positive numbers`);
        else covs.push(diag.map((v, i) => diag.map((_, j) => (i === j ? v * v : 0))));
      });
  }
  if (problems.length > 0) throw new Error(`Invalid Gaussian mixture:\n- ${problems.join('\n- ')}`);
  return { weights: [...weights], dim, covariances: covs };
}
