import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';

/** What {@link writeFileAtomic} accepts: text (written as UTF-8), bytes, or a list of byte chunks written in order. */
export type AtomicFileData = string | ArrayBuffer | ArrayBufferView | readonly (ArrayBuffer | ArrayBufferView)[];

/**
 * Writes a file so that readers, and the file after a crash, see either the old content or the new content,
 * never a mix: the data goes to a temporary file in the same directory, which is flushed to disk (fsync) and
 * then renamed over `path`; the directory is then flushed so the rename itself survives a power cut. On failure
 * the temporary file is removed and the old file is untouched; on SIGINT/SIGTERM the temporary file is removed
 * too. Writes to the same path from one process are queued. The directory must exist (see {@link ensureDir}).
 *
 * The temporary file, the flush and the rename come from npm's `write-file-atomic`.
 *
 * @example
 * await writeFileAtomic('runs/a/config.json', JSON.stringify(config, null, 2));
 * await writeFileAtomic('runs/a/samples.npy', writeNpy(samples, [64, 2]));
 */
export async function writeFileAtomic(path: string, data: AtomicFileData): Promise<void> {
  const target = nodePath.resolve(path);
  const bytes = toBytes(data, target);
  const dir = nodePath.dirname(target);
  const dirStat = await fs.stat(dir).catch(() => null);
  if (dirStat == null || !dirStat.isDirectory()) {
    throw new Error(`Cannot write ${target}: directory ${dir} does not exist (create it first with ensureDir)`);
  }
  const targetStat = await fs.stat(target).catch(() => null);
  if (targetStat != null && targetStat.isDirectory()) {
    throw new Error(`Cannot write ${target}: a directory of that name exists`);
  }
  // Loaded lazily so that importing @scorekit/core in a browser bundle does not pull in a Node-only module.
  const { default: writeFileAtomicImpl } = await import('write-file-atomic');
  try {
    await writeFileAtomicImpl(target, bytes, { fsync: true });
  } catch (e) {
    throw new Error(`Cannot write ${target}: ${(e as Error).message}`, { cause: e });
  }
  await fsyncDirectory(dir);
}

function toBytes(data: AtomicFileData, target: string): Buffer | string {
  if (typeof data === 'string') return data;
  // Buffer.from over an ArrayBuffer is a view, not a copy.
  const one = (d: ArrayBuffer | ArrayBufferView): Buffer => {
    if (d instanceof ArrayBuffer) return Buffer.from(d);
    if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    throw new TypeError(`Cannot write ${target}: data must be a string, an ArrayBuffer, a typed array or a list of them`);
  };
  if (Array.isArray(data)) return Buffer.concat((data as readonly (ArrayBuffer | ArrayBufferView)[]).map(one));
  return one(data as ArrayBuffer | ArrayBufferView);
}

// A rename is durable only once the directory entry is flushed. Not every platform lets a directory be opened or
// flushed (Windows), and there the rename is as durable as the OS makes it; nothing is lost by skipping.
async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort, see above
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
