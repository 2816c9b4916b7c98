import type { FeatureInput } from './FeatureInput.js';
import { toFeatureMatrix } from './internal/featureMatrix.js';
import { MATMUL_PRECISIONS } from './internal/gemm.js';
import type { MatmulPrecision } from './internal/gemm.js';
import { choiceOption } from './internal/options.js';
import { statisticsOf } from './internal/statistics.js';
import type { FeatureStatistics } from './internal/statistics.js';

export type { FeatureStatistics } from './internal/statistics.js';

export interface FeatureStatisticsOptions {
  /**
   * How the n·d² covariance product runs: `auto` (default) uses float64 JS loops while it is small and
   * float32 GEMMs in 512-row chunks summed in float64 above 2^26 multiply-adds (scorekit's wasm GEMM on the wasm and
   * cpu backends, TensorFlow.js matMul on others).
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
