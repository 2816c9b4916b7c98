import * as TE from 'fp-ts/lib/TaskEither.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { ensureDir, loadNpy, writeFileAtomic } from '@scorekit/core/node';
import type { NpyArray } from '@scorekit/core';
import type { AtomicFileData } from '@scorekit/core/node';
import { CliError } from './errors.js';

/**
 * Reads and parses a JSON file at the edge: a missing file or malformed JSON is a `CliError` naming the file and
 * the flag it came from, never an exception from deep inside.
 *
 * @example
 * const json = await runTask(readJsonFile('mixture.json', '--score'));
 */
export function readJsonFile(path: string, origin: string): TE.TaskEither<CliError, unknown> {
  return pipe(
    TE.tryCatch(
      () => fs.readFile(path, 'utf8'),
      (e) => new CliError(`Cannot read ${origin} file ${path}: ${fileReason(e)}`),
    ),
    TE.chainEitherK((text) =>
      E.tryCatch(
        () => JSON.parse(text) as unknown,
        (e) => new CliError(`${origin} file ${path} is not valid JSON: ${(e as Error).message}`),
      ),
    ),
  );
}

/**
 * Reads a `.npy` file at the edge (missing or malformed files become a `CliError` naming the flag).
 *
 * @example
 * const { data, shape } = await runTask(readNpyFile('x.npy', '--data'));
 */
export function readNpyFile(path: string, origin: string): TE.TaskEither<CliError, NpyArray> {
  return TE.tryCatch(
    async () => {
      await fs.access(path).catch((e: unknown) => {
        throw new Error(fileReason(e));
      });
      return loadNpy(path);
    },
    (e) => new CliError(`Cannot read ${origin} file ${path}: ${(e as Error).message}`),
  );
}

/**
 * Writes a file atomically (temporary name, then rename), creating its folder first.
 *
 * @example
 * await runTask(writeFileTask('runs/a/summary.json', JSON.stringify(summary)));
 */
export function writeFileTask(path: string, data: AtomicFileData): TE.TaskEither<CliError, void> {
  return TE.tryCatch(
    async () => {
      await ensureDir(nodePath.dirname(nodePath.resolve(path)));
      await writeFileAtomic(path, data);
    },
    (e) => new CliError(`Cannot write ${path}: ${(e as Error).message}`, 1),
  );
}

/**
 * Runs a TaskEither and returns its value, throwing its `CliError` (the CLI's top-level handler prints it).
 *
 * @example
 * const config = await runTask(readJsonFile('train.json', '--config'));
 */
export async function runTask<A>(task: TE.TaskEither<CliError, A>): Promise<A> {
  const result = await task();
  if (E.isLeft(result)) throw result.left;
  return result.right;
}

function fileReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message;
}
