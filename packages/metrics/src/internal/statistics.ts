import type { FeatureMatrix } from './featureMatrix.js';
import { columnMeans, gram } from './gemm.js';
import type { MatmulPrecision } from './gemm.js';

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

/** Mean and covariance (n − 1) of a validated feature matrix; `name` appears in the error for n < 2. */
export function statisticsOf(m: FeatureMatrix, precision: MatmulPrecision, name: string): FeatureStatistics {
  if (m.n < 2) throw new Error(`${name} needs at least 2 samples for a covariance (n − 1 normalisation); got ${m.n}`);
  const mean = columnMeans(m.data, m.n, m.d);
  const cov = gram(m.data, m.n, m.d, precision, mean);
  const scale = 1 / (m.n - 1);
  for (let i = 0; i < cov.length; i++) cov[i] *= scale;
  return { n: m.n, d: m.d, mean, cov };
}
