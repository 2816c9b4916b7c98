import { readFile, rename, writeFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { FeatureStatisticsFileError } from './featureStatisticsFile.js';
import { metricSumsToJson, parseMetricSums } from './metricSumsFile.js';
import type { MetricSums } from './metricSumsFile.js';

/**
 * Writes sums to `path` as JSON ({@link metricSumsToJson}) under a temporary name, then renames it.
 *
 * @example
 * await saveMetricSums(`fid-shard-${i}.json`, { metric: 'fid', ...featureSums(features) })();
 */
export function saveMetricSums(path: string, sums: MetricSums): TE.TaskEither<FeatureStatisticsFileError, void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  return TE.tryCatch(
    async () => {
      await writeFile(tmp, metricSumsToJson(sums));
      await rename(tmp, path);
    },
    (e) => ({ kind: 'write' as const, path, problems: [(e as Error).message] }),
  );
}

/**
 * Reads sums written by {@link saveMetricSums}.
 *
 * @example
 * const shard = await loadMetricSums('fid-shard-0.json')(); // Either<FeatureStatisticsFileError, MetricSums>
 */
export function loadMetricSums(path: string): TE.TaskEither<FeatureStatisticsFileError, MetricSums> {
  return pipe(
    TE.tryCatch(
      () => readFile(path, 'utf8'),
      (e) => ({ kind: 'read' as const, path, problems: [(e as Error).message] }),
    ),
    TE.chainEitherK((text) =>
      pipe(
        parseMetricSums(text),
        E.mapLeft((problems): FeatureStatisticsFileError => ({ kind: 'parse', path, problems })),
      ),
    ),
  );
}
