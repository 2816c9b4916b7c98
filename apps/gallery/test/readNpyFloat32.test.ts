import { describe, expect, it } from 'vitest';
import { readNpyFloat32 } from '../src/index.js';

/** A .npy (version 1.0) built by hand as NEP 1 describes it: magic, version, header length, padded dict. */
function npy(descr: string, shape: number[], values: number[], fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + 4 * values.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}

describe('readNpyFloat32', () => {
  it('reads shape and values of a little-endian float32 array', () => {
    const r = readNpyFloat32(npy('<f4', [2, 3], [1, -2.5, 3, 0.125, 1e-3, -7]));
    expect(r.shape).toEqual([2, 3]);
    expect(Array.from(r.data)).toEqual([1, -2.5, 3, 0.125, Math.fround(1e-3), -7]);
  });

  it('reads a 1-D shape written with a trailing comma', () => {
    expect(readNpyFloat32(npy('<f4', [3], [1, 2, 3])).shape).toEqual([3]);
  });

  it('names the dtype, order or size problem', () => {
    expect(() => readNpyFloat32(npy('<f8', [1], [0, 0]))).toThrow("dtype '<f8' is not supported (allowed: '<f4', float32)");
    expect(() => readNpyFloat32(npy('<f4', [2, 2], [1, 2, 3, 4], true))).toThrow('Fortran order is not supported');
    expect(() => readNpyFloat32(npy('<f4', [4], [1, 2]))).toThrow('holds 8 bytes of data, its shape [4] needs 16');
    expect(() => readNpyFloat32(new TextEncoder().encode('hello, world'))).toThrow('not a .npy file');
  });
});
