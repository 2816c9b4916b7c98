import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { DatasetError } from './DatasetError.js';
import type { ImageDataset } from './ImageDataset.js';
import { loadIdxDataset } from './loadIdxDataset.js';
import { take } from './internal/take.js';

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The ten Fashion-MNIST classes, label i being FASHION_MNIST_CLASSES[i]. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export interface LoadFashionMnistOptions {
  /** Folder holding the IDX files (gzipped or not). Default {@link FASHION_MNIST_DIR}. */
  readonly dir?: string;
  /** 'train' (60,000 images) or 'test' (10,000). Default 'train'. */
  readonly split?: 'train' | 'test';
  /** Keep only the first `count` images. */
  readonly count?: number;
}

/**
 * Loads Fashion-MNIST from its IDX files — `train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`,
 * `t10k-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]` — in `dir` (Debian's `dataset-fashion-mnist`
 * installs them in /usr/share/datasets/fashion-mnist). Returns [n, 28, 28, 1] in [−1, 1] with labels 0…9.
 *
 * @example
 * const train = await loadFashionMnist();                                  // 60,000 from the Debian package
 * const test = await loadFashionMnist({ dir: './fmnist', split: 'test' });  // any folder
 */
export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<ImageDataset> {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new Error(`loadFashionMnist: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const hint =
    `Install the files with \`apt-get install dataset-fashion-mnist\` (Debian puts them in ${FASHION_MNIST_DIR}), ` +
    `or put ${prefix}-images-idx3-ubyte.gz and ${prefix}-labels-idx1-ubyte.gz from the Fashion-MNIST repository ` +
    `(github.com/zalandoresearch/fashion-mnist, folder data/fashion) in ${dir} and pass { dir }`;
  const images = await findFile(dir, `${prefix}-images-idx3-ubyte`, hint);
  const labels = await findFile(dir, `${prefix}-labels-idx1-ubyte`, hint);
  const data = await loadIdxDataset({ images, labels, hint });
  const [n, h, w] = data.shape;
  if (h !== 28 || w !== 28) throw new DatasetError(images, `holds ${h}×${w} images; Fashion-MNIST images are 28×28`, hint);
  if (data.labels?.some((l) => l > 9)) throw new DatasetError(labels, 'holds labels above 9; Fashion-MNIST has classes 0…9', hint);
  const result = { ...data, classNames: FASHION_MNIST_CLASSES, source: images };
  return options.count == null ? result : take(result, options.count, n, 'loadFashionMnist');
}

async function findFile(dir: string, base: string, hint: string): Promise<string> {
  for (const name of [`${base}.gz`, base]) {
    const path = nodePath.join(dir, name);
    if (await fs.stat(path).then((s) => s.isFile(), () => false)) return path;
  }
  throw new DatasetError(nodePath.join(dir, `${base}.gz`), `no such file (nor ${base} without .gz)`, hint);
}
