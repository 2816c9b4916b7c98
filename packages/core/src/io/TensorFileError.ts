/**
 * Thrown by {@link loadTensors} when a tensor file is missing, truncated, corrupted or not a tensor file; the
 * message names the file and the problem, and `path` holds the file's absolute path.
 *
 * @example
 * try {
 *   await loadTensors('ckpt/latest.safetensors');
 * } catch (e) {
 *   if (e instanceof TensorFileError) console.error(e.message); // "Cannot load tensors from /…/latest.safetensors: …"
 * }
 */
export class TensorFileError extends Error {
  override readonly name = 'TensorFileError';

  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot load tensors from ${path}: ${problem}`, options);
  }
}
