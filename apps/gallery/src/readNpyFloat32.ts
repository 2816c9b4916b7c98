/** A float32 array read from a `.npy` file: its shape and C-order values. */
export interface Float32Npy {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Parses a `.npy` file of little-endian float32 in C order — what the trainer writes for samples and trajectories
 * (NEP 1: magic, version, header length, a Python-dict header). The gallery reads nothing else, so anything else
 * is one clear error instead of a misread; @scorekit/core's full reader is not used because it loads TensorFlow.js.
 *
 * @example
 * const { shape, data } = readNpyFloat32(await fs.readFile('runs/demo/samples/step-000002000.npy'));
 */
export function readNpyFloat32(bytes: Uint8Array): Float32Npy {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  if (descr !== '<f4') throw new Error(`.npy dtype '${descr ?? '?'}' is not supported (allowed: '<f4', float32)`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error('.npy in Fortran order is not supported (allowed: C order)');
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText == null) throw new Error('.npy header has no shape');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`.npy shape (${shapeText}) is not a tuple of sizes`);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = headerStart + headerLength;
  if (bytes.length - offset < count * 4) {
    throw new Error(`.npy holds ${bytes.length - offset} bytes of data, its shape [${shape.join(', ')}] needs ${count * 4}`);
  }
  // Copy: the data offset need not be 4-byte aligned within the file's buffer.
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, true);
  return { shape, data };
}
