import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';

/**
 * Creates a directory and any missing parents, like `mkdir -p`; does nothing if it already exists. Throws a clear
 * error when the path (or a parent) exists but is not a directory.
 *
 * @example
 * await ensureDir('runs/mnist-vp/checkpoints');
 */
export async function ensureDir(path: string): Promise<void> {
  const dir = nodePath.resolve(path);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new Error(`Cannot create directory ${dir}: it or one of its parents exists and is not a directory`, { cause: e });
    }
    throw e;
  }
}
