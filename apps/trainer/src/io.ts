import * as TE from 'fp-ts/lib/TaskEither.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { ensureDir, loadNpy, writeFileAtomic } from '@scorekit/core/node';
import type { NpyArray } from '@scorekit/core';
import type { AtomicFileData } from '@scorekit/core/node';
import { CliError } from './errors.js';
import { describeFsError } from './outputPath.js';

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
    TE.chainEitherK((value) => {
      const depth = jsonDepthBeyond(value, MAX_JSON_DEPTH);
      return depth == null
        ? E.right(value)
        : E.left(new CliError(`${origin} file ${path} nests deeper than ${MAX_JSON_DEPTH} levels (at ${depth}); scorekit's JSON files are a few levels deep`));
    }),
  );
}

/** The deepest nesting a JSON input may have: every scorekit file is a few levels deep; 100 000 would overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * The path of the first value nested deeper than `limit` (e.g. `network[0][0]…`), or undefined. Walks with an
 * explicit stack, so a hostile file nested 100 000 deep is measured without recursion.
 *
 * @example
 * jsonDepthBeyond(JSON.parse('[[[1]]]'), 2); // '[0][0]'
 */
export function jsonDepthBeyond(value: unknown, limit: number): string | undefined {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.value == null || typeof top.value !== 'object') continue;
    if (top.depth >= limit) return top.path === '' ? '(top)' : top.path;
    for (const [k, v] of Object.entries(top.value)) {
      stack.push({ value: v, depth: top.depth + 1, path: Array.isArray(top.value) ? `${top.path}[${k}]` : top.path === '' ? k : `${top.path}.${k}` });
    }
  }
  return undefined;
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
  return describeFsError(e);
}
