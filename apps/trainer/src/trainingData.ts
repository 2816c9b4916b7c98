import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { TOY_DATASET_NAMES, ncsnToyMixture, sampleToyDataset } from '@scorekit/data';
import { loadFashionMnist, loadImageFolder, loadMnist } from '@scorekit/data/node';
import type { ImageDataset } from '@scorekit/data';
import type { DatasetConfig } from './config.js';
import { CliError } from './errors.js';

/** A source of training batches. */
export interface TrainingData {
  /** Shape of one data point: [2] for 2D sets, [h, w, c] for images. */
  readonly pointShape: readonly number[];
  /** Number of classes when the data has labels (0 otherwise). */
  readonly numClasses: number;
  /** How many points a finite data set holds (images); undefined for the endless 2D streams. */
  readonly size?: number;
  /** Whether this is 2D data (scatter plots) rather than images (grids). */
  readonly is2d: boolean;
  /**
   * The batch of training step `step` (0-based); call inside `tf.tidy`. 2D sets draw fresh points from `rng`;
   * images are read in shuffled epochs (see {@link openTrainingData}).
   */
  next(batchSize: number, rng: Rng, withLabels: boolean, step: number): { x: tf.Tensor; labels?: tf.Tensor };
  readonly description: string;
  /** Image sets: how many images there are (one epoch); absent for the endless 2D streams. */
  readonly count?: number;
}

/**
 * Opens the training data a config names. 2D toy sets are generated (an endless stream from the seeded `rng`).
 * Image sets are loaded once and read in epochs without replacement: the sample at position p = step·batchSize + i
 * is row order_e[p mod n] of epoch e = ⌊p / n⌋, whose permutation is drawn from `shuffleSeed` and e. The order is
 * a function of the step alone, so a resumed run reads the same batches as an uninterrupted one.
 * A missing data file is a `CliError` saying how to get it.
 *
 * @example
 * const data = await openTrainingData({ name: 'two-moons' }, 0);
 * const { x } = tf.tidy(() => data.next(256, rng, false, step));
 */
export async function openTrainingData(config: DatasetConfig, shuffleSeed: number): Promise<TrainingData> {
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
  const epochs = epochOrders(count, shuffleSeed);
  return {
    pointShape: [h, w, c],
    count,
    numClasses: images.classNames?.length ?? 0,
    size: count,
    is2d: false,
    description: `${images.source}: ${count} images ${h}×${w}×${c}`,
    next: (n, _rng, withLabels, step) => {
      const x = new Float32Array(n * per);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const position = step * n + i;
        const k = epochs.order(Math.floor(position / count))[position % count];
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
    // The training split only: the digits of `dataset:mnist:test` stay unseen, for FID and likelihoods.
    if (config.name === 'mnist') return await loadMnist({ split: 'train', ...(config.count != null ? { count: config.count } : {}) });
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

/** The permutation of each epoch, drawn from its own seed; the latest one is kept (epochs are read in order). */
function epochOrders(count: number, seed: number): { order: (epoch: number) => Int32Array } {
  let cached: { epoch: number; order: Int32Array } = { epoch: -1, order: new Int32Array(0) };
  return {
    order: (epoch) => {
      if (cached.epoch !== epoch) {
        // A golden-ratio stride keeps the epoch seeds of nearby run seeds apart (Rng hashes the seed with splitmix).
        cached = { epoch, order: new Rng((seed + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0).permutation(count) };
      }
      return cached.order;
    },
  };
}
