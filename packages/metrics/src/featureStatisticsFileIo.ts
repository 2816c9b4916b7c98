import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { FeatureStatistics } from './featureStatistics.js';
import { featureStatisticsToJson, parseFeatureStatistics, type FeatureStatisticsFileError } from './featureStatisticsFile.js';
import { readParsedFile, writeTextFile } from './internal/jsonFileIo.js';

/**
 * Writes statistics to `path` as JSON ({@link featureStatisticsToJson}); the file is written under a temporary
 * name and renamed, so an existing file is never left half-written.
 *
 * @example
 * const result = await saveFeatureStatistics('cifar10-train.stats.json', stats)();
 * if (E.isLeft(result)) console.error(result.left.problems.join('\n'));
 */
export function saveFeatureStatistics(
  path: string,
  stats: FeatureStatistics,
): TE.TaskEither<FeatureStatisticsFileError, void> {
  return writeTextFile(path, featureStatisticsToJson(stats));
}

/**
 * Reads statistics written by {@link saveFeatureStatistics} (or exported from Python, see
 * {@link parseFeatureStatistics}).
 *
 * @example
 * const ref = await loadFeatureStatistics('cifar10-train.stats.json')();
 * if (E.isRight(ref)) console.log(frechetDistance(featureStatistics(fake), ref.right));
 */
export function loadFeatureStatistics(path: string): TE.TaskEither<FeatureStatisticsFileError, FeatureStatistics> {
  return readParsedFile(path, parseFeatureStatistics);
}
