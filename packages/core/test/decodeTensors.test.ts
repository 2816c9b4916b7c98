// The browser-safe tensor-file reader: the plain-JavaScript CRC-32 is zlib's, and decodeTensors reads what
// saveTensors wrote exactly as loadTensors (Node, zlib's CRC) does.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoTensorLeak } from '@scorekit/test-utils';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTensors, Rng, TensorFileError } from '../src/index.js';
import { loadTensors, saveTensors } from '../src/node.js';
import { crc32 } from '../src/io/internal/crc32.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scorekit-decode-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('crc32 (plain JavaScript)', () => {
  it('gives the standard check value and zlib.crc32 on every length, offset and continuation', () => {
    // The CRC-32/ISO-HDLC check value of "123456789" (the catalogue's test vector for zlib's CRC).
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const rng = new Rng(11);
    const bytes = Uint8Array.from(rng.uniformArray(4099), (u) => Math.floor(u * 256));
    // Every length 0…300 at offsets 0…3 (the 4-byte inner loop's alignment and tails), then long runs.
    for (let offset = 0; offset < 4; offset++) {
      for (let len = 0; len <= 300; len++) {
        const view = bytes.subarray(offset, offset + len);
        expect(crc32(view)).toBe(zlib.crc32(view));
      }
    }
    expect(crc32(bytes)).toBe(zlib.crc32(bytes));
    // Running: crc(b, crc(a)) = crc(a ‖ b), with zlib's convention for the previous value.
    const a = bytes.subarray(0, 1001);
    const b = bytes.subarray(1001);
    expect(crc32(b, crc32(a))).toBe(zlib.crc32(bytes));
    expect(crc32(b, zlib.crc32(a))).toBe(zlib.crc32(b, zlib.crc32(a)));
  });
});

describe('decodeTensors', () => {
  it('reads what saveTensors wrote as loadTensors does, bit for bit, leaking nothing', async () => {
    const rng = new Rng(3);
    const w = tf.tensor(Float32Array.from(rng.normalArray(6 * 5)), [6, 5]);
    const k = tf.tensor([3, -1, 7], [3], 'int32');
    const m = tf.tensor([1, 0, 1, 1], [4], 'bool');
    const file = path.join(dir, 'a.safetensors');
    await saveTensors(file, { 'dense/kernel': w, steps: k, mask: m }, { step: 40, note: 'x' });
    const bytes = new Uint8Array(await fs.readFile(file));
    const fromNode = await loadTensors(file);
    await expectNoTensorLeak(async () => {
      const decoded = decodeTensors(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      expect(decoded.metadata).toEqual(fromNode.metadata);
      expect(decoded.metadata).toEqual({ step: 40, note: 'x' });
      expect(Object.keys(decoded.tensors).sort()).toEqual(['dense/kernel', 'mask', 'steps']);
      for (const [name, t] of Object.entries(decoded.tensors)) {
        expect(t.dtype, name).toBe(fromNode.tensors[name]!.dtype);
        expect(t.shape, name).toEqual(fromNode.tensors[name]!.shape);
        expect(Array.from(await t.data()), name).toEqual(Array.from(await fromNode.tensors[name]!.data()));
      }
      tf.dispose(decoded.tensors);
    });
    expect(Array.from(await fromNode.tensors['dense/kernel']!.data())).toEqual(Array.from(await w.data()));
    tf.dispose([w, k, m, fromNode.tensors]);
  });

  it('refuses a damaged file with a TensorFileError naming its source, before creating any tensor', async () => {
    const t = tf.tensor([1, 2, 3, 4], [4]);
    const file = path.join(dir, 'b.safetensors');
    await saveTensors(file, { t });
    t.dispose();
    const bytes = new Uint8Array(await fs.readFile(file));
    bytes[bytes.length - 3]! ^= 0x10; // a data byte: the structure still parses, only the checksum can tell
    const before = tf.memory().numTensors;
    const err = (() => {
      try {
        decodeTensors(bytes, { source: '/files/run/ema.safetensors' });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(TensorFileError);
    expect((err as Error).message).toMatch(/^Cannot load tensors from \/files\/run\/ema\.safetensors: checksum mismatch/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
