import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { FeatureStatisticsFileError } from './featureStatisticsFile.js';
import { metricSumsToJson, parseMetricSums } from './metricSumsFile.js';
import type { MetricSums } from './metricSumsFile.js';
import { readParsedFile, writeTextFile } from './internal/jsonFileIo.js';

/**
 * Writes sums to `path` as JSON ({@link metricSumsToJson}) under a temporary name, then renames it.
 *
 * @example
 * await saveMetricSums(`fid-shard-${i}.json`, { metric: 'fid', ...featureSums(features) })();
 */
export function saveMetricSums(path: string, sums: MetricSums): TE.TaskEither<FeatureStatisticsFileError, void> {
  return writeTextFile(path, metricSumsToJson(sums));
}

/**
 * Reads sums written by {@link saveMetricSums}.
 *
 * @example
 * const shard = await loadMetricSums('fid-shard-0.json')(); // Either<FeatureStatisticsFileError, MetricSums>
 */
export function loadMetricSums(path: string): TE.TaskEither<FeatureStatisticsFileError, MetricSums> {
  return readParsedFile(path, parseMetricSums);
}
