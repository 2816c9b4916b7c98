import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { CliError } from './errors.js';

/**
 * Says in words why a file operation failed, for messages (a read-only file system is not "no such file").
 *
 * @example
 * describeFsError(Object.assign(new Error(), { code: 'EROFS' })); // "the file system is read-only (EROFS)"
 */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is exceeded (EDQUOT)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'ENOENT':
      return 'no such file or folder (ENOENT)';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder (ENOTDIR)';
    case 'EISDIR':
      return 'it is a folder (EISDIR)';
    default:
      return (e as Error | null)?.message ?? String(e);
  }
}

/**
 * Checks, before any work, that `path` can be written as a file: not empty, not an existing folder, and its
 * nearest existing parent is a writable folder. Nothing is created. Throws a `CliError` naming `flag`.
 *
 * @example
 * await checkOutputFile('out/samples.npy', '--out');
 */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  if (path.trim() === '') throw new CliError(`${flag} must name a file, got an empty string`);
  const stat = await fs.stat(path).catch(() => null);
  if (stat?.isDirectory() === true) throw new CliError(`${flag} ${path} is a folder; give a file name inside it`);
  await checkWritableParent(path, flag);
}

/**
 * Checks, before any work, that `dir` can be used as an output folder: not empty, not an existing file, and the
 * folder (or its nearest existing parent) is writable. Nothing is created.
 *
 * @example
 * await checkOutputFolder('runs/demo', '--out');
 */
export async function checkOutputFolder(dir: string, flag: string): Promise<void> {
  // An empty --out would write the run into the current folder.
  if (dir.trim() === '') throw new CliError(`${flag} must name a folder, got an empty string`);
  const stat = await fs.stat(dir).catch(() => null);
  if (stat != null && !stat.isDirectory()) throw new CliError(`${flag} ${dir} is a file, not a folder`);
  if (stat != null) await assertWritable(dir, flag, dir);
  else await checkWritableParent(dir, flag);
}

async function checkWritableParent(path: string, flag: string): Promise<void> {
  let parent = nodePath.dirname(nodePath.resolve(path));
  for (;;) {
    const stat = await fs.stat(parent).catch(() => null);
    if (stat != null) {
      if (!stat.isDirectory()) throw new CliError(`${flag} ${path}: ${parent} is a file, not a folder`);
      await assertWritable(parent, flag, path);
      return;
    }
    const up = nodePath.dirname(parent);
    if (up === parent) return;
    parent = up;
  }
}

async function assertWritable(folder: string, flag: string, path: string): Promise<void> {
  await fs.access(folder, fs.constants.W_OK).catch((e: unknown) => {
    throw new CliError(`${flag} ${path}: cannot write in ${folder}: ${describeFsError(e)}`, 1);
  });
}
