// .npy files written by numpy 1.24.2, embedded as base64. Generated with /usr/bin/python3 by:
//
//   import base64, io
//   import numpy as np
//   from numpy.lib import format as npf
//   def npy(a, version=None):
//       f = io.BytesIO()
//       np.save(f, a) if version is None else npf.write_array(f, a, version=version)
//       return base64.b64encode(f.getvalue()).decode()
//   fixtures = {
//       'f4_2x3': npy(np.arange(6, dtype='<f4').reshape(2, 3) * np.float32(0.5) - np.float32(1)),
//       'f8_scalar': npy(np.array(np.pi)),
//       'i4_empty': npy(np.zeros((0, 3), '<i4')),
//       'u1': npy(np.array([0, 1, 254, 255], np.uint8)),
//       'b1_2x2': npy(np.array([[True, False], [False, True]])),
//       'i8': npy(np.array([-(2**62), 0, 2**53 + 1], np.int64)),
//       'f4_big_endian': npy(np.array([1.5, -2.25, 3e-5], '>f4')),
//       'i8_big_endian': npy(np.array([1, -2], '>i8')),
//       'i4_fortran': npy(np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4))),
//       'i2_v2': npy(np.array([[1, -2], [3, -4]], '<i2'), version=(2, 0)),
//       'i1_v3': npy(np.array([-128, 127], np.int8), version=(3, 0)),
//       'u2': npy(np.array([0, 65535, 1234], '<u2')),
//       'f2': npy(np.array([1.0, -0.5, 65504, 6e-8, np.inf], '<f2')),
//       'c8': npy(np.array([1 + 2j], np.complex64)),
//       'U3': npy(np.array(['abc'])),
//   }
import { describe, expect, it } from 'vitest';
import { NpyFormatError, readNpy, writeNpy } from '../src/index.js';
import type { NpyWriteDtype } from '../src/index.js';

const FIXTURES = {
  f4_2x3: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIC/AAAAvwAAAAAAAAA/AACAPwAAwD8=',
  f8_scalar: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoYLURU+yEJQA==',
  i4_empty: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=',
  u1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAf7/',
  b1_2x2: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAB',
  i8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAwAAAAAAAAAAAAQAAAAAAIAA=',
  f4_big_endian: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/wAAAwBAAADf7qII=',
  i8_big_endian: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAf/////////+',
  i4_fortran: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAADAAAAAQAAAAQAAAACAAAABQAAAABAAAADQAAAAUAAAARAAAACQAAABUAAAACAAAADgAAAAYAAAASAAAACgAAABYAAAADAAAADwAAAAcAAAATAAAACwAAABcAAAA=',
  i2_v2: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8aTInLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAP7/AwD8/w==',
  i1_v3: 'k05VTVBZAwB0AAAAeydkZXNjcic6ICd8aTEnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAfw==',
  u2: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPHUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAP//0gQ=',
  f2: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPAC4/3sBAAB8',
  c8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGM4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQA==',
  U3: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPFUzJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAphAAAAYgAAAGMAAAA=',
} as const;

const bytesOf = (name: keyof typeof FIXTURES) => new Uint8Array(Buffer.from(FIXTURES[name], 'base64'));
const arange = (n: number) => Array.from({ length: n }, (_, i) => i);

// Expected contents, from the generating expressions above (not from our reader).
const EXPECTED: Record<string, { dtype: string; shape: number[]; values: (number | bigint)[]; ctor: string }> = {
  f4_2x3: { dtype: 'float32', shape: [2, 3], values: arange(6).map((i) => i * 0.5 - 1), ctor: 'Float32Array' },
  f8_scalar: { dtype: 'float64', shape: [], values: [Math.PI], ctor: 'Float64Array' },
  i4_empty: { dtype: 'int32', shape: [0, 3], values: [], ctor: 'Int32Array' },
  u1: { dtype: 'uint8', shape: [4], values: [0, 1, 254, 255], ctor: 'Uint8Array' },
  b1_2x2: { dtype: 'bool', shape: [2, 2], values: [1, 0, 0, 1], ctor: 'Uint8Array' },
  i8: { dtype: 'int64', shape: [3], values: [-(2n ** 62n), 0n, 2n ** 53n + 1n], ctor: 'BigInt64Array' },
  f4_big_endian: { dtype: 'float32', shape: [3], values: [1.5, -2.25, Math.fround(3e-5)], ctor: 'Float32Array' },
  i8_big_endian: { dtype: 'int64', shape: [2], values: [1n, -2n], ctor: 'BigInt64Array' },
  // Stored column-major; read back in C order it is arange(24) again.
  i4_fortran: { dtype: 'int32', shape: [2, 3, 4], values: arange(24), ctor: 'Int32Array' },
  i2_v2: { dtype: 'int16', shape: [2, 2], values: [1, -2, 3, -4], ctor: 'Int16Array' },
  i1_v3: { dtype: 'int8', shape: [2], values: [-128, 127], ctor: 'Int8Array' },
  u2: { dtype: 'uint16', shape: [3], values: [0, 65535, 1234], ctor: 'Uint16Array' },
  // float16 holds 65504 (its largest finite value) exactly; 6e-8 rounds to the smallest subnormal, 2⁻²⁴.
  f2: { dtype: 'float16', shape: [5], values: [1, -0.5, 65504, 2 ** -24, Infinity], ctor: 'Float32Array' },
};

describe('.npy files written by numpy', () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`reads ${name}`, () => {
      const got = readNpy(bytesOf(name as keyof typeof FIXTURES));
      expect(got.dtype).toBe(want.dtype);
      expect(got.shape).toEqual(want.shape);
      expect(got.data.constructor.name).toBe(want.ctor);
      expect(Array.from(got.data as ArrayLike<number | bigint>)).toEqual(want.values);
    });
  }

  it('the fortran fixture really is stored column-major (so the transpose is exercised)', () => {
    const raw = bytesOf('i4_fortran');
    const body = new Int32Array(raw.slice(raw.length - 96).buffer);
    // Column-major position of C index (i, j, k) in shape (2, 3, 4) is i + 2j + 6k; element value is 12i + 4j + k.
    expect(Array.from(body.slice(0, 4))).toEqual([0, 12, 4, 16]);
  });

  // writeNpy must produce numpy's exact bytes (header text, growth padding, 64-byte alignment) for what it writes.
  const written: [keyof typeof FIXTURES, NpyWriteDtype][] = [
    ['f4_2x3', 'float32'],
    ['f8_scalar', 'float64'],
    ['i4_empty', 'int32'],
    ['u1', 'uint8'],
    ['b1_2x2', 'bool'],
    ['i8', 'int64'],
    ['u2', 'uint16'],
  ];
  for (const [name, dtype] of written) {
    it(`writeNpy reproduces numpy's bytes for ${name}`, () => {
      const want = EXPECTED[name];
      const values = want.values as number[] | bigint[];
      expect(Buffer.from(writeNpy(values, want.shape, dtype)).equals(Buffer.from(bytesOf(name)))).toBe(true);
    });
  }

  it('refuses complex and string arrays with a reason', () => {
    expect(() => readNpy(bytesOf('c8'))).toThrow(NpyFormatError);
    expect(() => readNpy(bytesOf('c8'))).toThrow(/'<c8' is not supported \(complex numbers/);
    expect(() => readNpy(bytesOf('U3'))).toThrow(/'<U3' is not supported \(unicode strings/);
  });
});
