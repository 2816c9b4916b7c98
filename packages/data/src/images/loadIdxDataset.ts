import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DatasetError } from './DatasetError.js';
import type { ImageDataset } from './ImageDataset.js';
import { bytesToUnitRange } from './internal/bytesToUnitRange.js';

const gunzipAsync = promisify(gunzip);

/** Paths of an IDX image file (idx3, unsigned bytes) and, optionally, its IDX label file (idx1). */
export interface IdxDatasetPaths {
  readonly images: string;
  readonly labels?: string;
  /** Appended to "missing file" messages: how to get the files. */
  readonly hint?: string;
}

/**
 * Loads images (and labels) from IDX files, the format of MNIST and Fashion-MNIST: a magic number (0x00000803 for
 * images, 0x00000801 for labels: unsigned bytes, 3 or 1 dimensions), big-endian 32-bit dimension sizes, then the
 * bytes. Files ending in `.gz` are gunzipped. Pixels are scaled to [−1, 1]; the result is [n, rows, cols, 1].
 *
 * @example
 * const mnist = await loadIdxDataset({ images: 'data/train-images-idx3-ubyte.gz', labels: 'data/train-labels-idx1-ubyte.gz' });
 */
export async function loadIdxDataset(paths: IdxDatasetPaths): Promise<ImageDataset> {
  const img = await readIdx(paths.images, 3, paths.hint);
  const [n, rows, cols] = img.dims;
  // An empty data set would "train" on nothing (every batch empty) without a word.
  if (n === 0 || rows === 0 || cols === 0) {
    throw new DatasetError(paths.images, `holds no images (its header says [${img.dims.join(', ')}]); a data set needs at least one image of at least 1×1 pixels`, paths.hint);
  }
  let labels: Int32Array | undefined;
  if (paths.labels != null) {
    const lab = await readIdx(paths.labels, 1, paths.hint);
    if (lab.dims[0] !== n) {
      throw new DatasetError(paths.labels, `holds ${lab.dims[0]} labels but ${paths.images} holds ${n} images`, paths.hint);
    }
    labels = Int32Array.from(lab.data);
  }
  return { images: bytesToUnitRange(img.data), labels, shape: [n, rows, cols, 1], source: paths.images };
}

/** Reads one IDX file of unsigned bytes with `rank` dimensions. */
export async function readIdx(path: string, rank: number, hint = ''): Promise<{ dims: number[]; data: Uint8Array }> {
  let raw: Buffer;
  try {
    raw = await fs.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetError(path, code === 'ENOENT' ? 'no such file' : `cannot be read (${(e as Error).message})`, hint);
  }
  let bytes: Buffer = raw;
  if (nodePath.extname(path) === '.gz') {
    try {
      bytes = await gunzipAsync(raw);
    } catch (e) {
      throw new DatasetError(path, `is not a valid gzip file (${(e as Error).message}); it may be truncated`, hint);
    }
  }
  const expectedMagic = 0x800 + rank;
  if (bytes.length < 4 + 4 * rank) {
    throw new DatasetError(path, `is too short to be an IDX file (${bytes.length} bytes)`, hint);
  }
  const magic = bytes.readUInt32BE(0);
  if (magic !== expectedMagic) {
    const what = rank === 3 ? 'an image file (idx3-ubyte)' : 'a label file (idx1-ubyte)';
    throw new DatasetError(
      path,
      `is not ${what}: magic number 0x${magic.toString(16).padStart(8, '0')}, expected 0x${expectedMagic.toString(16).padStart(8, '0')}`,
      hint,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * rank;
  if (bytes.length - offset !== size) {
    throw new DatasetError(
      path,
      `header says [${dims.join(', ')}] = ${size} bytes of data but the file holds ${bytes.length - offset}; it is truncated or corrupt`,
      hint,
    );
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + offset, size) };
}
