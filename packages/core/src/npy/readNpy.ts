import { copyToHostOrder } from '../io/internal/byteOrder.js';
import type { NpyArray, NpyTypedArray } from './NpyArray.js';
import { NpyFormatError } from './NpyFormatError.js';
import { DTYPE_BY_CODE, SUPPORTED_DESCRS, whyUnsupported } from './internal/dtypes.js';
import { parseHeader } from './internal/header.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const MAX_NDIM = 64; // numpy 2's NPY_MAXDIMS

/**
 * Parses the bytes of a .npy file (numpy's format, versions 1.0, 2.0 and 3.0; little- or big-endian). Arrays stored
 * in Fortran order are transposed, so `data` is always C (row-major) order. Reads bool, int8/16/32/64,
 * uint8/16/32/64, float16/32/64 (see {@link NpyArray} for the typed array each becomes); anything else, and any
 * malformed, truncated or oversized input, throws {@link NpyFormatError} saying what is wrong. Nothing larger than
 * the input is allocated: the shape is checked against the bytes present before any array is made.
 *
 * @example
 * const { data, shape, dtype } = readNpy(await fs.readFile('samples.npy'));
 * const x = tf.tensor(data as Float32Array, shape as number[]);
 */
export function readNpy(bytes: Uint8Array | ArrayBuffer, file?: string): NpyArray {
  const fail = (problem: string): never => {
    throw new NpyFormatError(problem, file);
  };
  let b: Uint8Array;
  if (bytes instanceof Uint8Array) b = bytes;
  else if (bytes instanceof ArrayBuffer) b = new Uint8Array(bytes);
  else throw new TypeError('readNpy expects a Uint8Array, Buffer or ArrayBuffer');

  if (b.length < 10) fail(`${b.length} bytes is too short for a .npy file (its fixed preamble alone is 10 bytes)`);
  if (!MAGIC.every((m, i) => b[i] === m)) fail('it does not start with the .npy magic string "\\x93NUMPY"');
  const major = b[6];
  const minor = b[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    fail(`format version ${major}.${minor} is not supported; supported: 1.0, 2.0, 3.0`);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (b.length < headerStart) fail(`${b.length} bytes is too short for a version ${major}.0 preamble (${headerStart} bytes)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > b.length - headerStart) {
    fail(`the header length field says ${headerLength} bytes but only ${b.length - headerStart} follow (truncated?)`);
  }
  const headerBytes = b.subarray(headerStart, headerStart + headerLength);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      return fail('the version 3.0 header is not valid UTF-8');
    }
  } else {
    text = new TextDecoder('latin1').decode(headerBytes);
  }
  const header = parseHeader(text, fail);

  const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(header.descr);
  const info = m != null ? DTYPE_BY_CODE.get(`${m[2]}${m[3]}`) : undefined;
  if (m == null || info == null) {
    const why = whyUnsupported((m?.[2] ?? /[a-zA-Z]/.exec(header.descr)?.[0]) ?? '');
    fail(`dtype '${header.descr}' is not supported${why != null ? ` (${why})` : ''}; supported: ${SUPPORTED_DESCRS}`);
  }
  const order = m![1];
  if (order === '=') fail(`dtype '${header.descr}' has native byte order '=', which a file cannot state; expected '<' or '>'`);
  if (order === '|' && info!.size > 1) fail(`dtype '${header.descr}' has no byte order ('|') but ${info!.size}-byte elements`);

  if (header.shape.length > MAX_NDIM) fail(`the shape has ${header.shape.length} dimensions; at most ${MAX_NDIM} are allowed`);
  let count = 1n;
  for (const d of header.shape) {
    if (d < 0n) fail(`the shape (${header.shape.join(', ')}) has a negative dimension`);
    if (d > BigInt(Number.MAX_SAFE_INTEGER)) fail(`the shape (${header.shape.join(', ')}) has an absurdly large dimension`);
    count *= d;
  }
  const shapeText = `(${header.shape.join(', ')}${header.shape.length === 1 ? ',' : ''})`;
  const dataStart = headerStart + headerLength;
  const available = BigInt(b.length - dataStart);
  const needed = count * BigInt(info!.size);
  if (needed > available) {
    fail(`shape ${shapeText} of ${header.descr} needs ${needed} bytes of data but ${available} follow the header (truncated?)`);
  }
  if (needed < available) {
    fail(`${available - needed} unexpected bytes follow the ${needed} bytes of data for shape ${shapeText} of ${header.descr}`);
  }
  // From here every dimension and the count are at most the input's length, so they are safe numbers.
  const shape = header.shape.map(Number);
  const n = Number(count);
  let data = info!.wrap(copyToHostOrder(b, dataStart, n, info!.size, order !== '>'));
  if (header.fortranOrder && shape.length > 1 && n > 0) data = fortranToC(data, shape);
  return { data, shape, dtype: info!.dtype };
}

// Element (i₀,…,i_{d−1}) sits at Σ iₖ·Fₖ in Fortran order, Fₖ = s₀⋯sₖ₋₁; walk the C order and follow it there.
function fortranToC<T extends NpyTypedArray>(src: T, shape: readonly number[]): T {
  const d = shape.length;
  const out = new (src.constructor as new (n: number) => T)(src.length);
  const stride: number[] = [];
  let s = 1;
  for (let k = 0; k < d; k++) {
    stride.push(s);
    s *= shape[k];
  }
  const index = new Array<number>(d).fill(0);
  let f = 0;
  for (let c = 0; c < src.length; c++) {
    out[c] = src[f];
    for (let k = d - 1; k >= 0; k--) {
      index[k]++;
      f += stride[k];
      if (index[k] < shape[k]) break;
      f -= stride[k] * shape[k];
      index[k] = 0;
    }
  }
  return out;
}
