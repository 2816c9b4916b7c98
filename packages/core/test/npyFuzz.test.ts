// Fuzzing readNpy: every input must give either a self-consistent parse or an NpyFormatError — never another
// exception, never a hang (the suite's timeout would catch one), never an allocation beyond the input's size
// (an absurd shape allocated first would surface as a RangeError from the typed-array constructor).
import { beforeEach, describe, expect, it } from 'vitest';
import { NpyFormatError, readNpy, Rng, writeNpy } from '../src/index.js';
import type { NpyArray, NpyInput, NpyWriteDtype } from '../src/index.js';

type Outcome = { ok: true; value: NpyArray } | { ok: false; error: NpyFormatError };

function attempt(bytes: Uint8Array): Outcome {
  try {
    return { ok: true, value: readNpy(bytes) };
  } catch (e) {
    if (e instanceof NpyFormatError) return { ok: false, error: e };
    throw new Error(`readNpy threw ${(e as Error)?.name}: ${(e as Error)?.message} on ${Buffer.from(bytes).toString('base64')}`);
  }
}

// A successful parse is self-consistent: the element count matches the shape, the output is no larger than the
// input, and writing it back out and reading it again gives the same array.
function expectConsistent(got: NpyArray, input: Uint8Array): void {
  const count = got.shape.reduce((a, b) => a * b, 1);
  expect(got.data.length).toBe(count);
  expect(got.data.byteLength).toBeLessThanOrEqual(Math.max(input.length * 2, 64)); // float16 widens 2 → 4 bytes
  if (got.dtype === 'float16') return;
  const again = readNpy(writeNpy(got.data as NpyInput, got.shape, got.dtype as NpyWriteDtype));
  expect(again.shape).toEqual(got.shape);
  expect(Buffer.from(again.data.buffer, again.data.byteOffset, again.data.byteLength).equals(
    Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength),
  )).toBe(true);
}

// Every test starts from the same seed, so each runs the same inputs whether run alone or with the others.
let rng = new Rng(20240611);
const pick = <T>(xs: readonly T[]): T => xs[rng.randint(0, xs.length)];
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => rng.randint(0, 256));

const SEEDS: Uint8Array[] = [
  writeNpy(new Float32Array([1.5, -2, 3, 4, 5, 6]), [2, 3]),
  writeNpy([Math.PI], [], 'float64'),
  writeNpy([], [0, 4], 'int32'),
  writeNpy([true, false, true], [3], 'bool'),
  writeNpy([-(2n ** 62n), 7n], [2, 1], 'int64'),
  writeNpy([1, 2, 3, 4], [2, 2], 'uint16'),
];

describe('readNpy fuzz', () => {
  beforeEach(() => {
    rng = new Rng(20240611);
  });

  it('every strict prefix of a valid file is refused', () => {
    let n = 0;
    for (const seed of SEEDS) {
      for (let len = 0; len < seed.length; len++) {
        const out = attempt(seed.subarray(0, len));
        expect(out.ok, `prefix ${len} of ${seed.length}`).toBe(false);
        n++;
      }
      expectConsistent(readNpy(seed), seed);
    }
    expect(n).toBeGreaterThan(600);
  });

  it('bit flips: 4000 mutants; flips confined to the data always parse, with only the flipped elements changed', () => {
    let parsed = 0;
    for (let trial = 0; trial < 4000; trial++) {
      const seed = pick(SEEDS);
      const original = readNpy(seed);
      const bytes = seed.slice();
      const flips = 1 + rng.randint(0, 4);
      const positions: number[] = [];
      const dataStart = seed.length - original.data.byteLength;
      // Half the trials flip only data bytes (where there are any), half flip anywhere.
      const lo = trial % 2 === 0 && dataStart < seed.length ? dataStart : 0;
      for (let f = 0; f < flips; f++) {
        const pos = rng.randint(lo, bytes.length);
        bytes[pos] ^= 1 << rng.randint(0, 8);
        positions.push(pos);
      }
      const out = attempt(bytes);
      if (positions.every((p) => p >= dataStart)) {
        expect(out.ok).toBe(true);
        const got = (out as { value: NpyArray }).value;
        expect(got.shape).toEqual(original.shape);
        expect(got.dtype).toBe(original.dtype);
        const size = original.data.BYTES_PER_ELEMENT;
        const touched = new Set(positions.map((p) => Math.floor((p - dataStart) / size)));
        for (let i = 0; i < got.data.length; i++) {
          if (!touched.has(i)) expect(got.data[i]).toEqual(original.data[i]);
        }
      }
      if (out.ok) {
        parsed++;
        expectConsistent(out.value, bytes);
      }
    }
    expect(parsed).toBeGreaterThan(1000); // the data-only branch was exercised
  });

  it('random headers: 3000 grammar-built and mangled headers with lying lengths and random bodies', () => {
    const descrs = ['<f4', '>f8', '|u1', '<i8', '|b1', '<f2', '>u2', '<i2', '|i1', '<u4', '<u8', '<c8', '<U3', '|O', '|V8',
      'float32', '<f', '', 'f4', '=i4', '|f4', '<M8[ns]', '>f4'];
    const dims = ['0', '1', '2', '3', '7', '2147483648', '1000000000000', '100000000000000000000000000000', '-1', '3L',
      '1.5', '0x10', '+2', '--1', ''];
    const sizes: Record<string, number> = { f4: 4, f8: 8, u1: 1, i8: 8, b1: 1, f2: 2, u2: 2, i2: 2, i1: 1, u4: 4, u8: 8 };
    // The element count and item size the last generated header implies, when it is a plausible one.
    let implied = { count: 1, size: 0 };
    const shape = () => {
      const k = rng.randint(0, 5);
      const items = Array.from({ length: k }, () => (rng.nextFloat() < 0.7 ? pick(['0', '1', '2', '3']) : pick(dims)));
      implied.count = items.reduce((a, d) => a * (/^[0-9]$/.test(d) ? Number(d) : Number.NaN), 1);
      if (rng.nextFloat() < 0.6) return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
      return pick(['(', '[', '']) + items.join(pick([', ', ',', ' '])) + pick([',)', ')', ']', '', ', )']);
    };
    const entries = () => {
      const descr = pick(descrs);
      implied = { count: 1, size: sizes[descr.slice(1)] ?? 0 };
      const all = [
        `'descr': '${descr}'`,
        `'fortran_order': ${pick(['True', 'False', 'True', 'False', '0', 'None', 'true'])}`,
        `'shape': ${shape()}`,
        pick(["'extra': 1", "'descr': '<f4'", '"shape": (1,)']),
      ];
      const keep = all.filter((_, i) => (i < 3 ? rng.nextFloat() < 0.95 : rng.nextFloat() < 0.05));
      for (let i = keep.length - 1; i > 0; i--) {
        const j = rng.randint(0, i + 1);
        [keep[i], keep[j]] = [keep[j], keep[i]];
      }
      return keep;
    };
    let parsed = 0;
    for (let trial = 0; trial < 3000; trial++) {
      let text = `{${entries().join(', ')}${pick([', }', '}', ',}', ''])}`;
      // Occasionally mangle a few characters.
      if (rng.nextFloat() < 0.2) {
        const chars = [...text];
        for (let m = 0; m < 1 + rng.randint(0, 3); m++) {
          const i = rng.randint(0, chars.length + 1);
          if (rng.nextFloat() < 0.5) chars.splice(i, 1);
          else chars.splice(i, 0, pick(["'", '(', ')', ',', ':', '{', '}', '\\', '\u00e9', '\u0000', ' ', '9']));
        }
        text = chars.join('');
      }
      const header = new TextEncoder().encode(text + ' '.repeat(rng.randint(0, 20)) + '\n');
      const version = pick([[1, 0], [1, 0], [1, 0], [2, 0], [3, 0], [1, 1], [0, 0], [4, 0]] as const);
      const lengthBytes = version[0] === 1 ? 2 : 4;
      const plausible = Number.isFinite(implied.count) && implied.size > 0 && rng.nextFloat() < 0.7;
      const body = randomBytes(plausible ? implied.count * implied.size : pick([0, 1, 4, 8, 12, 24, 48, rng.randint(0, 100)]));
      const out = new Uint8Array(8 + lengthBytes + header.length + body.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version[0], version[1]]);
      const lie = rng.nextFloat() < 0.1;
      const length = lie ? pick([0, 1, header.length - 1, header.length + 1, 0xffff, 0xffffffff]) : header.length;
      const view = new DataView(out.buffer);
      if (lengthBytes === 2) view.setUint16(8, length & 0xffff, true);
      else view.setUint32(8, length >>> 0, true);
      out.set(header, 8 + lengthBytes);
      out.set(body, 8 + lengthBytes + header.length);
      const result = attempt(out);
      if (result.ok) {
        parsed++;
        expectConsistent(result.value, out);
      }
    }
    // Some random headers must be valid, or this would only ever test the error paths.
    expect(parsed).toBeGreaterThan(50);
  });

  it('pure noise after the magic: 1000 inputs', () => {
    for (let trial = 0; trial < 1000; trial++) {
      const tail = randomBytes(rng.randint(0, 300));
      const bytes = new Uint8Array(6 + tail.length);
      bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
      bytes.set(tail, 6);
      const out = attempt(bytes);
      if (out.ok) expectConsistent(out.value, bytes);
    }
  });
});
