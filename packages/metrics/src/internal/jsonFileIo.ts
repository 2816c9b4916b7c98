import { readFile, rename, writeFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { FeatureStatisticsFileError } from '../featureStatisticsFile.js';

/** Writes `text` under a temporary name beside `path`, then renames it: an existing file is never half-written. */
export function writeTextFile(path: string, text: string): TE.TaskEither<FeatureStatisticsFileError, void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  return TE.tryCatch(
    async () => {
      await writeFile(tmp, text);
      await rename(tmp, path);
    },
    (e) => ({ kind: 'write' as const, path, problems: [(e as Error).message] }),
  );
}

/** Reads `path` as UTF-8 and parses it, keeping every problem the parser reports. */
export function readParsedFile<T>(
  path: string,
  parse: (text: string) => E.Either<readonly string[], T>,
): TE.TaskEither<FeatureStatisticsFileError, T> {
  return pipe(
    TE.tryCatch(
      () => readFile(path, 'utf8'),
      (e) => ({ kind: 'read' as const, path, problems: [(e as Error).message] }),
    ),
    TE.chainEitherK((text) =>
      pipe(
        parse(text),
        E.mapLeft((problems): FeatureStatisticsFileError => ({ kind: 'parse', path, problems })),
      ),
    ),
  );
}
