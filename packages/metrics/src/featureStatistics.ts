import type { FeatureInput } from './FeatureInput.js';
import { toFeatureMatrix } from './internal/featureMatrix.js';
import { MATMUL_PRECISIONS } from './internal/gemm.js';
import type { MatmulPrecision } from './internal/gemm.js';
import { choiceOption } from './internal/options.js';
import { statisticsOf } from './internal/statistics.js';

/**
 * The Gaussian fit of a feature set that FID compares: sample count, mean and covariance (n − 1 normalisation,
 * as `np.cov`), in float64. `cov` is row-major d × d. Cache the statistics of a reference set with
 * {@link saveFeatureStatistics} and compare new samples against them with {@link frechetDistance}.
 */
export interface FeatureStatistics {
  readonly n: number;
  readonly d: number;
  readonly mean: Float64Array;
  readonly cov: Float64Array;
}

export interface FeatureStatisticsOptions {
  /**
   * How the n·d² covariance product runs: `auto` (default) uses float64 JS loops while it is small and
   * TensorFlow.js float32 matMul (XNNPACK on wasm) in 512-row chunks summed in float64 above 2^26 multiply-adds.
   * Centring is always done in float64 first; see the package README for the error analysis.
   */
  readonly matmul?: MatmulPrecision;
}

/**
 * Mean and covariance (n − 1) of an n × d feature set, as pytorch-fid's `np.mean(act, 0)` and
 * `np.cov(act, rowvar=False)`. Needs n ≥ 2.
 *
 * @example
 * const stats = featureStatistics(realFeatures);          // e.g. 10 000 × 2048 Inception features
 * await saveFeatureStatistics('cifar10-train.json', stats)();
 */
export function featureStatistics(features: FeatureInput, options: FeatureStatisticsOptions = {}): FeatureStatistics {
  const precision = choiceOption(options.matmul, 'auto', 'matmul', MATMUL_PRECISIONS);
  return statisticsOf(toFeatureMatrix(features, 'features'), precision, 'features');
}
