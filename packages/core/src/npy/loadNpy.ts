import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { NpyArray } from './NpyArray.js';
import { readNpy } from './readNpy.js';

/**
 * Reads a .npy file (see {@link readNpy}); a malformed file throws {@link NpyFormatError} naming it, a missing or
 * unreadable one an Error naming it.
 *
 * @example
 * const { data, shape } = await loadNpy('features/train.npy');
 */
export async function loadNpy(path: string): Promise<NpyArray> {
  const file = nodePath.resolve(path);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
    throw new Error(`Cannot read .npy file ${file}: ${why}`, { cause: e });
  }
  return readNpy(bytes, file);
}
