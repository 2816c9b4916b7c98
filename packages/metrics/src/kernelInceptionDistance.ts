import { Rng } from '@scorekit/core';
import type { FeatureInput } from './FeatureInput.js';
import { checkSameDim, toFeatureMatrix } from './internal/featureMatrix.js';
import type { FeatureMatrix } from './internal/featureMatrix.js';
import { matmul, MATMUL_PRECISIONS, ownGemm, useFloat32 } from './internal/gemm.js';
import { kernelOf, kernelSums } from './internal/kidKernelSums.js';
import type { KernelSums } from './internal/kidKernelSums.js';
import type { MatmulPrecision } from './internal/gemm.js';
import { choiceOption, integerOption, positiveOption } from './internal/options.js';

export interface KernelInceptionDistanceOptions {
  /** Number of random subsets. Default 100. */
  readonly subsets?: number;
  /** Samples drawn (without replacement) from each set for every subset. Default 1000; both sets need at least this many. */
  readonly subsetSize?: number;
  /** Polynomial kernel (γ xᵀy + coef)^degree. Default degree 3. */
  readonly degree?: number;
  /** Default 1 / d. */
  readonly gamma?: number;
  /** Default 1. */
  readonly coef?: number;
  /** Seed of the subset draws (default 0), or an {@link Rng} to draw from (it advances). */
  readonly seed?: number | Rng;
  /** How the kernel products run; see {@link MatmulPrecision}. Kernel sums are always float64. */
  readonly matmul?: MatmulPrecision;
}

export interface KernelInceptionDistance {
  /** Mean over subsets of the unbiased MMD²; can be negative when the sets match. */
  readonly mean: number;
  /** Standard deviation over subsets, ddof 0 (torchmetrics `std(unbiased=False)`). */
  readonly std: number;
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018) as torchmetrics computes it (`image/kid.py`): for each of
 * `subsets` random draws of `subsetSize` real and fake features, the unbiased MMD² with the cubic polynomial
 * kernel k(x, y) = (xᵀy / d + 1)³, then mean and standard deviation over the draws. Seeded, so repeatable.
 *
 * @example
 * const { mean, std } = kernelInceptionDistance(real, fake, { subsets: 100, subsetSize: 1000, seed: 1 });
 */
export function kernelInceptionDistance(
  real: FeatureInput,
  fake: FeatureInput,
  options: KernelInceptionDistanceOptions = {},
): KernelInceptionDistance {
  const subsets = integerOption(options.subsets, 100, 'subsets', 1);
  const size = integerOption(options.subsetSize, 1000, 'subsetSize', 2);
  const degree = integerOption(options.degree, 3, 'degree', 1);
  const coef = positiveOption(options.coef, 1, 'coef', true);
  const precision = choiceOption(options.matmul, 'auto', 'matmul', MATMUL_PRECISIONS);
  const x = toFeatureMatrix(real, 'real');
  const y = toFeatureMatrix(fake, 'fake');
  checkSameDim(x, y, 'real', 'fake');
  const gamma = positiveOption(options.gamma, 1 / x.d, 'gamma');
  for (const [name, m] of [
    ['real', x],
    ['fake', y],
  ] as const) {
    if (m.n < size) {
      throw new Error(`${name} has ${m.n} samples but subsetSize is ${size}; pass subsetSize ≤ ${m.n} or more samples`);
    }
  }
  const seed = options.seed ?? 0;
  const rng = seed instanceof Rng ? seed : new Rng(seed);
  const scores = new Float64Array(subsets);
  const mmd = ({ aa, bb, ab }: KernelSums): number => (aa + bb) / (size * (size - 1)) - (2 * ab) / (size * size);
  if (useFloat32(precision, size * x.d * size) && ownGemm()) {
    // float32 products on scorekit's GEMM, many draws per call (see kernelSums)
    const draws = Array.from({ length: subsets }, () => ({ a: drawRows(x, size, rng), b: drawRows(y, size, rng) }));
    kernelSums(draws, size, x.d, gamma, coef, degree).forEach((sums, s) => {
      scores[s] = mmd(sums);
    });
  } else {
    const kernel = kernelOf(gamma, coef, degree);
    for (let s = 0; s < subsets; s++) {
      const [a, at] = draw(x, size, rng);
      const [b, bt] = draw(y, size, rng);
      const kernelSum = (p: Float64Array, qt: Float64Array, offDiagonal: boolean): number => {
        const g = matmul(p, qt, size, x.d, size, precision);
        let sum = 0;
        for (let i = 0; i < size; i++) {
          for (let j = 0; j < size; j++) {
            if (offDiagonal && i === j) continue;
            sum += kernel(g[i * size + j]);
          }
        }
        return sum;
      };
      // torchmetrics kid.py maximum_mean_discrepancy
      scores[s] = mmd({ aa: kernelSum(a, at, true), bb: kernelSum(b, bt, true), ab: kernelSum(a, bt, false) });
    }
  }
  let mean = 0;
  for (const v of scores) mean += v;
  mean /= subsets;
  let sq = 0;
  for (const v of scores) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / subsets) };
}

/** `size` rows drawn without replacement (torchmetrics: `randperm(n)[:size]`), row-major float32. */
function drawRows(m: FeatureMatrix, size: number, rng: Rng): Float32Array {
  const perm = rng.permutation(m.n);
  const rows = new Float32Array(size * m.d);
  for (let i = 0; i < size; i++) rows.set(m.data.subarray(perm[i] * m.d, (perm[i] + 1) * m.d), i * m.d);
  return rows;
}

/** `size` rows drawn without replacement (torchmetrics: `randperm(n)[:size]`), row-major and transposed. */
function draw(m: FeatureMatrix, size: number, rng: Rng): [Float64Array, Float64Array] {
  const perm = rng.permutation(m.n);
  const rows = new Float64Array(size * m.d);
  const cols = new Float64Array(size * m.d);
  for (let i = 0; i < size; i++) {
    const o = perm[i] * m.d;
    for (let j = 0; j < m.d; j++) {
      const v = m.data[o + j];
      rows[i * m.d + j] = v;
      cols[j * size + i] = v;
    }
  }
  return [rows, cols];
}
