/**
 * A set of images in memory: pixels NHWC float32 scaled to [−1, 1], optional integer labels. Produced by
 * {@link loadMnist}, {@link loadFashionMnist}, {@link loadIdxDataset} and {@link loadImageFolder}; consumed by
 * {@link batches}.
 *
 * @example
 * const data = await loadFashionMnist({ split: 'train' });
 * console.log(data.shape); // [60000, 28, 28, 1]
 */
export interface ImageDataset {
  /** Pixels, [n, h, w, c] row-major, in [−1, 1] (byte v maps to v/127.5 − 1). */
  readonly images: Float32Array;
  /** Class labels [n], when the source has them. */
  readonly labels?: Int32Array;
  /** [n, h, w, c]. */
  readonly shape: readonly [number, number, number, number];
  /** Names of the classes, label i being classNames[i], where known. */
  readonly classNames?: readonly string[];
  /** Where the data came from (a path or a package name), for messages and logs. */
  readonly source: string;
}
