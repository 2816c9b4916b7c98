import { rename, readFile, writeFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { FeatureStatistics } from './featureStatistics.js';
import { featureStatisticsToJson, parseFeatureStatistics, type FeatureStatisticsFileError } from './featureStatisticsFile.js';

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
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  return TE.tryCatch(
    async () => {
      await writeFile(tmp, featureStatisticsToJson(stats));
      await rename(tmp, path);
    },
    (e) => ({ kind: 'write' as const, path, problems: [(e as Error).message] }),
  );
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
  return pipe(
    TE.tryCatch(
      () => readFile(path, 'utf8'),
      (e) => ({ kind: 'read' as const, path, problems: [(e as Error).message] }),
    ),
    TE.chainEitherK((text) =>
      pipe(
        parseFeatureStatistics(text),
        E.mapLeft((problems): FeatureStatisticsFileError => ({ kind: 'parse', path, problems })),
      ),
    ),
  );
}
