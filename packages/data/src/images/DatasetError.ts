/**
 * Thrown when a dataset file is missing or malformed. The message names the file, says what is wrong and how to
 * get a good copy; `file` holds the path.
 *
 * @example
 * try {
 *   await loadFashionMnist({ dir: '/data/fmnist' });
 * } catch (e) {
 *   if (e instanceof DatasetError) console.error(e.message); // "…/train-images-idx3-ubyte.gz: no such file. …"
 * }
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly hint = '',
  ) {
    super(`${file}: ${problem}${hint ? `. ${hint}` : ''}`);
  }
}
