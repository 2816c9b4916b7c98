/**
 * Thrown by {@link readNpy} and {@link loadNpy} for bytes that are not a well-formed .npy array this library can
 * read. The message says what is wrong (and names the file, when there is one); `problem` holds just that part.
 *
 * @example
 * try {
 *   readNpy(bytes);
 * } catch (e) {
 *   if (e instanceof NpyFormatError) console.error(e.message); // "Invalid .npy data: … truncated …"
 * }
 */
export class NpyFormatError extends Error {
  override readonly name = 'NpyFormatError';

  constructor(
    readonly problem: string,
    /** The file the bytes came from, if known. */
    readonly file?: string,
  ) {
    super(file != null ? `Invalid .npy file ${file}: ${problem}` : `Invalid .npy data: ${problem}`);
  }
}
