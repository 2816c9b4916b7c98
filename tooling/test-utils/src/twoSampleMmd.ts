import { twoSamplePoints, type TwoSampleMatrix, type TwoSamplePoints } from './twoSamplePoints.js';

/** Options of {@link twoSampleMmd}. */
export interface TwoSampleMmdOptions {
  /**
   * Gaussian kernel bandwidth(s) h in k(x, y) = exp(−‖x − y‖²/(2h²)): `'median'` (the default, the median pairwise
   * distance of the pooled sample — Gretton et al. 2012's heuristic), a number, or several numbers (the kernel is
   * then the average of the Gaussian kernels, still characteristic).
   */
  readonly bandwidth?: 'median' | number | readonly number[];
}

/** The statistic of {@link twoSampleMmd}. */
export interface TwoSampleMmdResult {
  /** Unbiased MMD² (Gretton et al. 2012, eq. 3): can be slightly negative when the samples match. */
  readonly mmd2: number;
  /** Bandwidths used. */
  readonly bandwidths: readonly number[];
}

/**
 * The unbiased estimate of the squared maximum mean discrepancy between two samples with a Gaussian kernel
 * (Gretton et al. 2012, "A Kernel Two-Sample Test", eq. 3): mean k over distinct pairs within x, plus within y,
 * minus twice the mean over cross pairs.
 *
 * @example
 * const { mmd2 } = twoSampleMmd(samples, exactSamples);            // median-heuristic bandwidth
 * twoSampleMmd(samples, exactSamples, { bandwidth: [0.5, 1, 2] }); // a mixture of bandwidths
 */
export function twoSampleMmd(x: TwoSamplePoints, y: TwoSamplePoints, options: TwoSampleMmdOptions = {}): TwoSampleMmdResult {
  const pooled = pool(twoSamplePoints(x, 'x'), twoSamplePoints(y, 'y'));
  const kernel = kernelMatrix(pooled, options.bandwidth ?? 'median');
  const a = new Float64Array(pooled.n).fill(0, pooled.nx);
  a.fill(1, 0, pooled.nx);
  return { mmd2: mmd2FromKernel(kernel, a, quadraticForm01(kernel.K, pooled.n, a)), bandwidths: kernel.bandwidths };
}

/** Two samples stacked as one matrix: rows 0…nx−1 are x. */
export interface PooledSample extends TwoSampleMatrix {
  readonly nx: number;
}

export function pool(x: TwoSampleMatrix, y: TwoSampleMatrix): PooledSample {
  if (x.d !== y.d) throw new Error(`x and y must have the same dimension; got ${x.d} and ${y.d}`);
  if (x.n < 2 || y.n < 2) throw new Error(`each sample needs at least 2 points for the unbiased MMD²; got ${x.n} and ${y.n}`);
  const data = new Float64Array((x.n + y.n) * x.d);
  data.set(x.data, 0);
  data.set(y.data, x.n * x.d);
  return { data, n: x.n + y.n, d: x.d, nx: x.n };
}

/** A pooled kernel matrix (float32, full and symmetric) with its row sums, total and (constant) diagonal. */
export interface KernelMatrix {
  readonly K: Float32Array;
  readonly rowSums: Float64Array;
  readonly total: number;
  readonly diagonal: number;
  readonly nx: number;
  readonly n: number;
  readonly bandwidths: readonly number[];
}

export function kernelMatrix(z: PooledSample, bandwidth: TwoSampleMmdOptions['bandwidth']): KernelMatrix {
  const { n, d, data } = z;
  const sq = new Float64Array((n * (n - 1)) / 2);
  let idx = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = data[i * d + k] - data[j * d + k];
        s += diff * diff;
      }
      sq[idx++] = s;
    }
  }
  const bandwidths = resolveBandwidths(bandwidth, sq);
  const coef = bandwidths.map((h) => -1 / (2 * h * h));
  const K = new Float32Array(n * n);
  const rowSums = new Float64Array(n);
  idx = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let k = 0;
      for (const c of coef) k += Math.exp(c * sq[idx]);
      k /= coef.length;
      idx++;
      K[i * n + j] = k;
      K[j * n + i] = k;
      rowSums[i] += k;
      rowSums[j] += k;
    }
  }
  for (let i = 0; i < n; i++) {
    K[i * n + i] = 1;
    rowSums[i] += 1;
  }
  const total = rowSums.reduce((s, v) => s + v, 0);
  return { K, rowSums, total, diagonal: 1, nx: z.nx, n, bandwidths };
}

function resolveBandwidths(bandwidth: TwoSampleMmdOptions['bandwidth'], sq: Float64Array): number[] {
  const list = bandwidth === 'median' ? [Math.sqrt(median(sq))] : typeof bandwidth === 'number' ? [bandwidth] : [...(bandwidth ?? [])];
  if (list.length === 0 || !list.every((h) => Number.isFinite(h) && h > 0)) {
    throw new Error(`bandwidth must be 'median', a positive number or a non-empty array of positive numbers; got ${JSON.stringify(bandwidth)}`);
  }
  return list;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const m = sorted.length >> 1;
  const med = sorted.length % 2 === 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
  if (!(med > 0)) throw new Error('the median pairwise distance is 0 (too many repeated points); give a bandwidth');
  return med;
}

/** aᵀKa for a 0/1 vector a (K symmetric, diagonal included). */
export function quadraticForm01(K: Float32Array, n: number, a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === 0) continue;
    let r = 0;
    for (let j = 0; j < n; j++) r += K[i * n + j] * a[j];
    s += r;
  }
  return s;
}

/**
 * Unbiased MMD² for the split given by indicator a (1 = first sample), from q = aᵀKa:
 * S_xx = q − m·k₀, S_xy = aᵀ(K1) − q, S_yy = total − 2aᵀ(K1) + q − k·k₀ (off-diagonal sums).
 */
export function mmd2FromKernel(kernel: KernelMatrix, a: Float64Array, q: number): number {
  const m = kernel.nx;
  const k = kernel.n - m;
  let aRow = 0;
  for (let i = 0; i < kernel.n; i++) if (a[i] !== 0) aRow += kernel.rowSums[i];
  const sxx = q - m * kernel.diagonal;
  const sxy = aRow - q;
  const syy = kernel.total - 2 * aRow + q - k * kernel.diagonal;
  return sxx / (m * (m - 1)) + syy / (k * (k - 1)) - (2 * sxy) / (m * k);
}
