import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@scorekit/core';
import { TOY_DATASET_NAMES, loadFashionMnist, loadImageFolder, loadMnist, ncsnToyMixture, sampleToyDataset } from '@scorekit/data';
import type { ImageDataset } from '@scorekit/data';
import type { DatasetConfig } from './config.js';
import { CliError } from './errors.js';

/** A source of training batches. */
export interface TrainingData {
  /** Shape of one data point: [2] for 2D sets, [h, w, c] for images. */
  readonly pointShape: readonly number[];
  /** Number of classes when the data has labels (0 otherwise). */
  readonly numClasses: number;
  /** Whether this is 2D data (scatter plots) rather than images (grids). */
  readonly is2d: boolean;
  /** Draws one batch; call inside `tf.tidy`. 2D sets draw fresh points, images are picked uniformly at random. */
  next(batchSize: number, rng: Rng, withLabels: boolean): { x: tf.Tensor; labels?: tf.Tensor };
  readonly description: string;
}

/**
 * Opens the training data a config names. 2D toy sets are generated (an endless stream from the seeded `rng`);
 * image sets are loaded once and sampled with replacement by the data `rng`, so a resumed run draws the same
 * batches as an uninterrupted one. A missing data file is a `CliError` saying how to get it.
 *
 * @example
 * const data = await openTrainingData({ name: 'two-moons' });
 * const { x } = tf.tidy(() => data.next(256, rng, false));
 */
export async function openTrainingData(config: DatasetConfig): Promise<TrainingData> {
  if ((TOY_DATASET_NAMES as readonly string[]).includes(config.name)) {
    const name = config.name;
    return {
      pointShape: [2],
      numClasses: name === 'ncsn-mixture' ? 2 : 0,
      is2d: true,
      description: `${name} (2D, fresh points every step)`,
      next: (n, rng, withLabels) => {
        if (!withLabels) return { x: sampleToyDataset(name, n, rng) };
        if (name !== 'ncsn-mixture') throw new CliError(`data set '${name}' has no labels; only ncsn-mixture and image sets do`);
        const { x, labels } = ncsnToyMixture().sampleWithLabels(n, rng);
        return { x, labels: tf.tensor1d(labels, 'int32') };
      },
    };
  }
  const images = await loadImages(config);
  const [count, h, w, c] = images.shape;
  const per = h * w * c;
  return {
    pointShape: [h, w, c],
    numClasses: images.classNames?.length ?? 0,
    is2d: false,
    description: `${images.source}: ${count} images ${h}×${w}×${c}`,
    next: (n, rng, withLabels) => {
      const x = new Float32Array(n * per);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const k = rng.randint(0, count);
        x.set(images.images.subarray(k * per, (k + 1) * per), i * per);
        labels[i] = images.labels?.[k] ?? 0;
      }
      if (withLabels && images.labels == null) throw new CliError(`data set ${images.source} has no labels`);
      return { x: tf.tensor4d(x, [n, h, w, c]), ...(withLabels ? { labels: tf.tensor1d(labels, 'int32') } : {}) };
    },
  };
}

async function loadImages(config: DatasetConfig): Promise<ImageDataset> {
  try {
    if (config.name === 'mnist') return await loadMnist(config.count != null ? { count: config.count } : {});
    if (config.name === 'fashion-mnist') {
      return await loadFashionMnist({ ...(config.dir != null ? { dir: config.dir } : {}), ...(config.count != null ? { count: config.count } : {}) });
    }
    const folder = await loadImageFolder(config.dir!);
    if (config.count == null) return folder;
    const [, h, w, c] = folder.shape;
    const n = Math.min(config.count, folder.shape[0]);
    return {
      ...folder,
      images: folder.images.subarray(0, n * h * w * c),
      ...(folder.labels != null ? { labels: folder.labels.subarray(0, n) } : {}),
      shape: [n, h, w, c],
    };
  } catch (e) {
    // DatasetError messages name the file and how to get it; keep them, without a stack.
    throw new CliError(`Cannot load data set '${config.name}': ${(e as Error).message}`);
  }
}
