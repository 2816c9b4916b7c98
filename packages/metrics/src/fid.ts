import type { FeatureInput } from './FeatureInput.js';
import { frechetDistance } from './frechetDistance.js';
import type { FrechetDistanceOptions } from './frechetDistance.js';
import { checkSameDim, toFeatureMatrix } from './internal/featureMatrix.js';
import { MATMUL_PRECISIONS } from './internal/gemm.js';
import { choiceOption } from './internal/options.js';
import { statisticsOf } from './internal/statistics.js';

/**
 * FID from two feature sets (n × d each, n ≥ 2, equal d): the {@link frechetDistance} of their
 * {@link featureStatistics}. Symmetric in its arguments, unchanged by a shared translation or rotation of the
 * features, and scaled by s² when both are scaled by s. Biased in n: compare only at equal sample counts.
 *
 * @example
 * fid([[1], [3]], [[0], [4]]); // N(2, 2) vs N(2, 8): 2 + 8 − 2·4 = 2
 */
export function fid(real: FeatureInput, fake: FeatureInput, options: FrechetDistanceOptions = {}): number {
  const precision = choiceOption(options.matmul, 'auto', 'matmul', MATMUL_PRECISIONS);
  const x = toFeatureMatrix(real, 'real');
  const y = toFeatureMatrix(fake, 'fake');
  checkSameDim(x, y, 'real', 'fake');
  return frechetDistance(statisticsOf(x, precision, 'real'), statisticsOf(y, precision, 'fake'), options);
}
