import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectNoTensorLeak } from '@scorekit/test-utils';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NpyFormatError, npyToTensor, readNpy, tensorToNpy, writeNpy } from '../src/index.js';
import { loadNpy, saveNpy } from '../src/node.js';
import type { NpyInput, NpyWriteDtype } from '../src/index.js';

// Builds a .npy file by hand from a header dict text and a data body, independently of writeNpy.
function handmade(header: string, body: Uint8Array = new Uint8Array(0), version: [number, number] = [1, 0]): Uint8Array {
  const text = new TextEncoder().encode(header + '\n');
  const lengthBytes = version[0] === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthBytes + text.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version[0], version[1]]);
  const view = new DataView(out.buffer);
  if (lengthBytes === 2) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, 8 + lengthBytes);
  out.set(body, 8 + lengthBytes + text.length);
  return out;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('writeNpy → readNpy round trip', () => {
  const cases: [NpyWriteDtype, NpyInput, number[]][] = [
    ['bool', [true, false, true, true, false, false], [2, 3]],
    ['int8', [-128, -1, 0, 127], [4]],
    ['uint8', [0, 255, 7, 128], [2, 2]],
    ['int16', [-32768, 32767, 0, -5], [4, 1]],
    ['uint16', [0, 65535, 300, 1], [1, 4]],
    ['int32', [-2147483648, 2147483647, 0, 12], [2, 1, 2]],
    ['uint32', [0, 4294967295, 1, 2], [4]],
    ['int64', [-(2n ** 63n), 2n ** 63n - 1n, 0n, -3n], [2, 2]],
    ['uint64', [0n, 2n ** 64n - 1n, 5n, 2n ** 53n + 1n], [4]],
    ['float32', [0, -0, 1.5, -3.25e-20, Infinity, -Infinity], [3, 2]],
    ['float64', [Math.PI, -Math.E, 1e-300, 1.7976931348623157e308], [2, 2]],
    ['float64', [42], []], // 0-d
    ['float32', [], [0]], // empty
    ['int32', [], [3, 0, 2]], // empty with other dimensions
  ];
  for (const [dtype, values, shape] of cases) {
    it(`${dtype} shape [${shape.join(', ')}]`, () => {
      const got = readNpy(writeNpy(values, shape, dtype));
      expect(got.dtype).toBe(dtype);
      expect(got.shape).toEqual(shape);
      const want = (values as unknown[]).map((v) => (typeof v === 'boolean' ? Number(v) : v));
      if (dtype === 'float32') expect(Array.from(got.data as Float32Array)).toEqual(want.map((v) => Math.fround(v as number)));
      else expect(Array.from(got.data as ArrayLike<unknown>)).toEqual(want);
    });
  }

  it('the dtype defaults to the typed array (and float64 for a plain array, as numpy does)', () => {
    expect(readNpy(writeNpy(new Float32Array([1]), [1])).dtype).toBe('float32');
    expect(readNpy(writeNpy(new Int32Array([1]), [1])).dtype).toBe('int32');
    expect(readNpy(writeNpy(new Uint8Array([1]), [1])).dtype).toBe('uint8');
    expect(readNpy(writeNpy(new BigInt64Array([1n]), [1])).dtype).toBe('int64');
    expect(readNpy(writeNpy([1.5], [1])).dtype).toBe('float64');
    expect(readNpy(writeNpy([true], [1])).dtype).toBe('bool');
  });

  it('the data starts on a 64-byte boundary, as numpy aligns it', () => {
    for (const shape of [[], [1], [123456789, 0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0]]) {
      const bytes = writeNpy(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
      const headerLength = new DataView(bytes.buffer).getUint16(8, true);
      expect((10 + headerLength) % 64).toBe(0);
    }
  });
});

describe('writeNpy refuses bad input with a clear message', () => {
  it.each([
    [() => writeNpy([1, 2, 3], [2, 2]), /shape \[2, 2\] holds 4 elements but data has 3/],
    [() => writeNpy([1], [-1]), /shape must be a list of non-negative integers/],
    [() => writeNpy([1], [1.5]), /shape must be a list of non-negative integers/],
    [() => writeNpy([300], [1], 'uint8'), /element 0 is 300, which is not in the uint8 range 0…255/],
    [() => writeNpy([1, 1.5], [2], 'int32'), /element 1 is 1.5, which is not an exact integer for int32/],
    [() => writeNpy([Number.NaN], [1], 'int32'), /element 0 is NaN/],
    [() => writeNpy([2], [1], 'bool'), /element 0 is 2, which is not a bool/],
    [() => writeNpy([2 ** 60], [1], 'int64'), /not an exact integer for int64/],
    [() => writeNpy([1], [1], 'complex64' as NpyWriteDtype), /dtype 'complex64' cannot be written; allowed: bool, int8/],
    [() => writeNpy([1], [1], 'float16' as NpyWriteDtype), /dtype 'float16' cannot be written/],
    [() => writeNpy('abc' as unknown as number[], [3]), /data must be a typed array/],
  ])('%#', (fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe('readNpy', () => {
  it('transposes Fortran-ordered data into C order', () => {
    // 2×3 stored column-major: columns (0, 3), (1, 4), (2, 5) of the C-order matrix [[0, 1, 2], [3, 4, 5]].
    const body = f32([0, 3, 1, 4, 2, 5]);
    const got = readNpy(handmade("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", body));
    expect(Array.from(got.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(got.shape).toEqual([2, 3]);
  });

  it('transposes a 4-d Fortran array: C index (a, b, c, d) ← Fortran offset a + 2b + 6c + 24d', () => {
    const shape = [2, 3, 4, 5];
    const n = 120;
    const fortran = new Float32Array(n);
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 4; c++) for (let d = 0; d < 5; d++) fortran[a + 2 * b + 6 * c + 24 * d] = 1000 * a + 100 * b + 10 * c + d;
    const header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4, 5), }";
    const got = readNpy(handmade(header, new Uint8Array(fortran.buffer)));
    const want: number[] = [];
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) for (let d = 0; d < 5; d++) want.push(1000 * a + 100 * b + 10 * c + d);
    expect(Array.from(got.data as Float32Array)).toEqual(want);
    expect(got.shape).toEqual(shape);
  });

  it('reads big-endian data of every width', () => {
    const be = (size: number, write: (v: DataView, o: number, x: number) => void, xs: number[]) => {
      const body = new Uint8Array(size * xs.length);
      xs.forEach((x, i) => write(new DataView(body.buffer), i * size, x));
      return body;
    };
    const f8 = readNpy(handmade("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be(8, (v, o, x) => v.setFloat64(o, x), [Math.PI, -1e-300])));
    expect(Array.from(f8.data as Float64Array)).toEqual([Math.PI, -1e-300]);
    const i4 = readNpy(handmade("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", be(4, (v, o, x) => v.setInt32(o, x), [-2, 70000])));
    expect(Array.from(i4.data as Int32Array)).toEqual([-2, 70000]);
    const u2 = readNpy(handmade("{'descr': '>u2', 'fortran_order': False, 'shape': (2,), }", be(2, (v, o, x) => v.setUint16(o, x), [1, 65534])));
    expect(Array.from(u2.data as Uint16Array)).toEqual([1, 65534]);
  });

  it('accepts the Python 2 integer suffix, any key order and a header without the trailing comma', () => {
    const got = readNpy(handmade("{'shape': (2L, 1L), 'fortran_order': False, 'descr': '<f4'}", f32([1, 2])));
    expect(got.shape).toEqual([2, 1]);
  });

  it('accepts Buffers that are views into a larger pool, and ArrayBuffers', () => {
    const bytes = writeNpy(new Float32Array([1, 2, 3]), [3]);
    const pooled = Buffer.concat([Buffer.from('xxxx'), Buffer.from(bytes)]).subarray(4);
    expect(Array.from(readNpy(pooled).data as Float32Array)).toEqual([1, 2, 3]);
    expect(Array.from(readNpy(bytes.buffer as ArrayBuffer).data as Float32Array)).toEqual([1, 2, 3]);
  });

  const header = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  it.each([
    ['too short', new Uint8Array([0x93, 0x4e, 0x55]), /3 bytes is too short/],
    ['no magic', new TextEncoder().encode('PK\u0003\u0004 this is a zip file'), /does not start with the .npy magic/],
    ['version 4.0', handmade(header('<f4', '(0,)'), undefined, [4, 0]), /format version 4.0 is not supported; supported: 1.0, 2.0, 3.0/],
    ['header longer than file', handmade(header('<f4', '(0,)')).subarray(0, 40), /header length field says 58 bytes but only 30 follow/],
    ['data truncated', handmade(header('<f4', '(3,)'), f32([1, 2])), /shape \(3,\) of <f4 needs 12 bytes of data but 8 follow/],
    ['trailing bytes', handmade(header('<f4', '(1,)'), f32([1, 2])), /4 unexpected bytes follow the 4 bytes of data/],
    ['missing key', handmade("{'descr': '<f4', 'shape': (1,)}", f32([1])), /no 'fortran_order' entry/],
    ['extra key', handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", f32([1])), /unexpected key 'x'/],
    ['fortran not bool', handmade(header('<f4', '(1,)', '0'), f32([1])), /'fortran_order' must be True or False, got 0/],
    ['shape not tuple', handmade(header('<f4', '(1)'), f32([1])), /a parenthesised value that is not a tuple/],
    ['shape of floats', handmade(header('<f4', '(1.0,)'), f32([1])), /only integers are allowed/],
    ['negative dimension', handmade(header('<f4', '(-1, 2)')), /negative dimension/],
    ['absurd shape, small file', handmade(header('<f8', '(1000000000000, 1000000000000)')), /needs 8000000000000000000000000 bytes of data but 0 follow/],
    ['huge dimension', handmade(header('<f8', '(0, 100000000000000000000)')), /absurdly large dimension/],
    ['too many dimensions', handmade(header('<f8', `(${Array(65).fill('1').join(', ')})`), new Uint8Array(8)), /65 dimensions; at most 64/],
    ['native byte order', handmade(header('=f4', '(1,)'), f32([1])), /native byte order '='/],
    ['unknown dtype', handmade(header('<q7', '(1,)'), f32([1])), /dtype '<q7' is not supported; supported: \|b1 \(bool\)/],
    ['object dtype', handmade(header('|O', '(1,)'), new Uint8Array(8)), /object arrays hold pickled Python objects/],
    ['structured dtype', handmade("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", f32([1])), /structured dtypes/],
    ['not a dict', handmade("['descr', '<f4']"), /the header is not a Python dict/],
    ['deep nesting', handmade(`{'descr': ${'('.repeat(5000)}`), /nested deeper than 16/],
    ['unterminated string', handmade("{'descr': '<f4"), /unterminated string/],
    ['duplicate key', handmade("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (0,)}"), /'descr' appears twice/],
    ['bad utf-8 in v3 header', (() => { const b = handmade(header('<f4', '(0,)'), undefined, [3, 0]); b[20] = 0xff; return b; })(), /not valid UTF-8/],
  ])('refuses %s with NpyFormatError', (_name, bytes, message) => {
    let caught: unknown;
    try {
      readNpy(bytes);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NpyFormatError);
    expect((caught as Error).message).toMatch(message);
  });
});

describeOnBackends('npy ↔ tensors', () => {
  it('round-trips float32, int32 and bool tensors exactly', async () => {
    const x = tf.tensor([[0.1, -2.5, 3e-8], [1e20, -0, 7]], [2, 3], 'float32');
    const i = tf.tensor([-5, 0, 2147483647], [3], 'int32');
    const b = tf.tensor([1, 0, 1, 1], [2, 2], 'bool');
    for (const t of [x, i, b]) {
      const back = npyToTensor(await tensorToNpy(t));
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(Array.from(back.dataSync())).toEqual(Array.from(t.dataSync()));
      back.dispose();
    }
    tf.dispose([x, i, b]);
  });

  it('converts dtypes: float64 rounds to float32, small ints widen to int32, uint8 can become float32', () => {
    const f64 = npyToTensor(readNpy(writeNpy([Math.PI, 1 / 3], [2], 'float64')));
    expect(f64.dtype).toBe('float32');
    expect(Array.from(f64.dataSync())).toEqual([Math.fround(Math.PI), Math.fround(1 / 3)]);
    const u16 = npyToTensor(readNpy(writeNpy([65535, 0], [2], 'uint16')));
    expect(u16.dtype).toBe('int32');
    expect(Array.from(u16.dataSync())).toEqual([65535, 0]);
    const img = npyToTensor(writeNpy(new Uint8Array([0, 255]), [1, 2]), 'float32');
    expect(img.dtype).toBe('float32');
    expect(Array.from(img.dataSync())).toEqual([0, 255]);
    const i64 = npyToTensor(writeNpy([-(2n ** 31n), 2n ** 31n - 1n], [2], 'int64'));
    expect(Array.from(i64.dataSync())).toEqual([-2147483648, 2147483647]);
    tf.dispose([f64, u16, img, i64]);
  });

  it('refuses values that do not fit the tensor dtype', () => {
    expect(() => npyToTensor(writeNpy([2n ** 31n], [1], 'int64'))).toThrow(/element 0 \(2147483648\) of the int64 array does not fit in int32/);
    expect(() => npyToTensor(writeNpy([0.5], [1], 'float32'), 'int32')).toThrow(/does not fit in int32/);
    expect(() => npyToTensor(writeNpy([3], [1], 'uint8'), 'bool')).toThrow(/is not 0 or 1/);
  });

  it('tensorToNpy can narrow to uint8, refusing values out of range', async () => {
    const t = tf.tensor([0, 128, 255]);
    expect(Array.from(readNpy(await tensorToNpy(t, 'uint8')).data as Uint8Array)).toEqual([0, 128, 255]);
    const bad = tf.tensor([256]);
    await expect(tensorToNpy(bad, 'uint8')).rejects.toThrow(/256, which is not in the uint8 range/);
    const text = tf.tensor(['a']);
    await expect(tensorToNpy(text)).rejects.toThrow(/dtype string cannot be written; allowed: float32, int32, bool/);
    text.dispose();
    tf.dispose([t, bad]);
  });

  it('leaks no tensors', async () => {
    const bytes = writeNpy(new Float32Array(12), [3, 4]);
    await expectNoTensorLeak(async () => {
      const t = npyToTensor(bytes);
      await tensorToNpy(t);
      t.dispose();
    });
  });
});

describe('loadNpy / saveNpy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scorekit-npy-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('saves arrays and tensors atomically and loads them back', async () => {
    const file = path.join(dir, 'a.npy');
    await saveNpy(file, [1, 2, 3, 4, 5, 6], [3, 2], 'int16');
    const a = await loadNpy(file);
    expect(a.dtype).toBe('int16');
    expect(a.shape).toEqual([3, 2]);
    expect(Array.from(a.data as Int16Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const t = tf.tensor([[1.25, -2]]);
    await saveNpy(file, t); // overwrites
    const b = await loadNpy(file);
    expect(b.dtype).toBe('float32');
    expect(Array.from(b.data as Float32Array)).toEqual([1.25, -2]);
    t.dispose();
    expect(await fs.readdir(dir)).toEqual(['a.npy']); // no temporary file left beside it
  });

  it('names the file in errors', async () => {
    const bad = path.join(dir, 'bad.npy');
    await fs.writeFile(bad, writeNpy(new Float32Array(4), [4]).subarray(0, 130));
    await expect(loadNpy(bad)).rejects.toThrow(NpyFormatError);
    await expect(loadNpy(bad)).rejects.toThrow(`Invalid .npy file ${bad}: shape (4,) of <f4 needs 16 bytes of data but 2 follow`);
    await expect(loadNpy(path.join(dir, 'missing.npy'))).rejects.toThrow(/Cannot read .npy file .*missing.npy: no such file/);
    await expect(saveNpy(path.join(dir, 'x.npy'), [1, 2], [3])).rejects.toThrow(/holds 3 elements but data has 2/);
  });
});
