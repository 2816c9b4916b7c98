import type { FeatureInput } from './FeatureInput.js';
import { toFeatureMatrix } from './internal/featureMatrix.js';
import { MATMUL_PRECISIONS, gram } from './internal/gemm.js';
import type { MatmulPrecision } from './internal/gemm.js';
import { choiceOption } from './internal/options.js';
import type { FeatureStatistics } from './internal/statistics.js';

/**
 * The mergeable form of FID's feature statistics: sample count n, Σf (length d) and Σffᵀ (row-major d × d), all
 * float64, as EDM's `fid.py` accumulates them. Shards' sums add exactly (up to float64 round-off of the additions),
 * so the statistics of a set split over many machines are those of one pass; see {@link mergeFeatureSums}.
 */
export interface FeatureSums {
  readonly n: number;
  readonly d: number;
  readonly sum: Float64Array;
  readonly sumOuter: Float64Array;
}

export interface FeatureSumsOptions {
  /**
   * How Σffᵀ is formed. Default `float64` (plain JS loops: exact products, so merged shards agree with one pass to
   * float64 round-off). `float32` / `auto` use float32 GEMM chunks on the uncentred features: faster, but the
   * covariance then loses ~1e-6·|mean|²/variance relatively to cancellation, so use them only for centred features.
   */
  readonly matmul?: MatmulPrecision;
}

/**
 * n, Σf and Σffᵀ of an n × d feature set (n ≥ 1), to be saved per shard and merged with {@link mergeFeatureSums}.
 *
 * @example
 * const shard = featureSums(features);                                // on each machine
 * const stats = statisticsFromSums(mergeFeatureSums([a, b, c]));     // then FID as usual
 * frechetDistance(stats, reference);
 */
export function featureSums(features: FeatureInput, options: FeatureSumsOptions = {}): FeatureSums {
  const precision = choiceOption(options.matmul, 'float64', 'matmul', MATMUL_PRECISIONS);
  const m = toFeatureMatrix(features, 'features');
  const sum = new Float64Array(m.d);
  for (let r = 0; r < m.n; r++) {
    const o = r * m.d;
    for (let j = 0; j < m.d; j++) sum[j] += m.data[o + j];
  }
  return { n: m.n, d: m.d, sum, sumOuter: gram(m.data, m.n, m.d, precision) };
}

/**
 * Adds the sums of several shards (each a disjoint part of one sample set); all must have the same d.
 *
 * @example
 * mergeFeatureSums([featureSums(x.slice(0, 5)), featureSums(x.slice(5))]); // = featureSums(x) to round-off
 */
export function mergeFeatureSums(shards: readonly FeatureSums[]): FeatureSums {
  if (shards.length === 0) throw new Error('mergeFeatureSums needs at least one shard; got none');
  const d = shards[0].d;
  const bad = shards.findIndex((s) => s.d !== d);
  if (bad >= 0) throw new Error(`every shard must have the same feature dimension; shard 0 has ${d}, shard ${bad} has ${shards[bad].d}`);
  const sum = new Float64Array(d);
  const sumOuter = new Float64Array(d * d);
  let n = 0;
  for (const s of shards) {
    n += s.n;
    for (let j = 0; j < d; j++) sum[j] += s.sum[j];
    for (let j = 0; j < d * d; j++) sumOuter[j] += s.sumOuter[j];
  }
  return { n, d, sum, sumOuter };
}

/**
 * Mean and covariance (n − 1 normalisation, as `np.cov` and EDM's `fid.py`) from sums: μ = Σf / n,
 * Σ = (Σffᵀ − n μμᵀ) / (n − 1). Needs n ≥ 2.
 *
 * @example
 * frechetDistance(statisticsFromSums(mergeFeatureSums(shards)), reference);
 */
export function statisticsFromSums(sums: FeatureSums): FeatureStatistics {
  const { n, d } = sums;
  if (n < 2) throw new Error(`statistics need at least 2 samples for a covariance (n − 1 normalisation); the sums hold ${n}`);
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] = sums.sum[j] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) cov[i * d + j] = (sums.sumOuter[i * d + j] - n * mean[i] * mean[j]) / (n - 1);
  }
  return { n, d, mean, cov };
}
