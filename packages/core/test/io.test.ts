import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectNoTensorLeak } from '@scorekit/test-utils';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDir, loadTensors, saveTensors, TensorFileError, writeFileAtomic } from '../src/node.js';
import '../src/index.js'; // the wasm backend and scorekit's kernels, as an application selecting its backend gets them
import { decodeTensorFile } from '../src/io/internal/tensorFile.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'scorekit-io-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});
const fresh = async (name: string) => {
  const dir = path.join(root, name);
  await fs.mkdir(dir);
  return dir;
};

describe('ensureDir', () => {
  it('creates nested directories, is idempotent, and refuses a file in the way', async () => {
    const dir = path.join(root, 'e', 'a', 'b', 'c');
    await ensureDir(dir);
    await ensureDir(dir);
    expect((await fs.stat(dir)).isDirectory()).toBe(true);
    const file = path.join(root, 'e', 'plain');
    await fs.writeFile(file, 'x');
    await expect(ensureDir(path.join(file, 'sub'))).rejects.toThrow(/Cannot create directory .*plain\/sub: it or one of its parents exists and is not a directory/);
    await expect(ensureDir(file)).rejects.toThrow(/is not a directory/);
  });
});

describe('writeFileAtomic', () => {
  it('writes text, bytes, typed-array views and chunk lists exactly, leaving no temporary file', async () => {
    const dir = await fresh('w1');
    const f = path.join(dir, 'f');
    await writeFileAtomic(f, 'héllo');
    expect(await fs.readFile(f, 'utf8')).toBe('héllo');
    const floats = new Float32Array([1, 2, 3, 4]);
    await writeFileAtomic(f, floats.subarray(1, 3)); // a view with a byte offset
    expect(Array.from(new Float32Array((await fs.readFile(f)).buffer.slice(0)))).toEqual([2, 3]);
    await writeFileAtomic(f, [new Uint8Array([1, 2]), new Uint8Array([3]).buffer, new Uint16Array([0x0504])]);
    expect(Array.from(await fs.readFile(f))).toEqual([1, 2, 3, 4, 5]);
    await writeFileAtomic(f, new ArrayBuffer(0));
    expect((await fs.readFile(f)).length).toBe(0);
    expect(await fs.readdir(dir)).toEqual(['f']);
  });

  it('fails clearly, leaving the old file alone, when the directory is missing or the target is a directory', async () => {
    const dir = await fresh('w2');
    await expect(writeFileAtomic(path.join(dir, 'nope', 'f'), 'x')).rejects.toThrow(/directory .*nope does not exist \(create it first with ensureDir\)/);
    await fs.mkdir(path.join(dir, 'sub'));
    await expect(writeFileAtomic(path.join(dir, 'sub'), 'x')).rejects.toThrow(/a directory of that name exists/);
    expect((await fs.readdir(dir)).sort()).toEqual(['sub']);
  });

  it('concurrent writes to one path leave exactly one complete version, never a mix', async () => {
    const dir = await fresh('w3');
    const f = path.join(dir, 'f');
    const versions = Array.from({ length: 12 }, (_, i) => Buffer.alloc(64 * 1024 + i, 65 + i));
    await Promise.all(versions.map((v) => writeFileAtomic(f, v)));
    const final = await fs.readFile(f);
    expect(versions.some((v) => v.equals(final))).toBe(true);
    expect(await fs.readdir(dir)).toEqual(['f']);
  });

  it('a reader polling during rewrites only ever sees a complete old or new file', async () => {
    // fs.writeFile truncates then writes, so a reader racing it sees empty or partial files; a rename never does.
    const dir = await fresh('w4');
    const f = path.join(dir, 'f');
    const a = Buffer.alloc(1 << 20, 'a');
    const b = Buffer.alloc(1 << 20, 'b');
    await writeFileAtomic(f, a);
    let writing = true;
    const seen = { a: 0, b: 0, torn: 0 };
    const reader = (async () => {
      while (writing) {
        const got = await fs.readFile(f);
        if (got.equals(a)) seen.a++;
        else if (got.equals(b)) seen.b++;
        else seen.torn++;
      }
    })();
    for (let i = 0; i < 30; i++) await writeFileAtomic(f, i % 2 === 0 ? b : a);
    writing = false;
    await reader;
    expect(seen.torn).toBe(0);
    expect(seen.a + seen.b).toBeGreaterThan(0);
  });
});

describeOnBackends('saveTensors / loadTensors', () => {
  it('round-trip float32, int32 and bool tensors of any shape, and JSON metadata, exactly', async () => {
    const dir = await fresh(`t1-${tf.getBackend()}`);
    const file = path.join(dir, 'ckpt.safetensors');
    const tensors = {
      'dense/kernel': tf.tensor([[0.1, -2.5e-30], [3.4e38, -0]], [2, 2]),
      'dense/bias': tf.tensor([Number.NaN, Infinity, -Infinity]),
      step: tf.scalar(123456, 'int32'),
      mask: tf.tensor([1, 0, 0, 1, 1], [5], 'bool'),
      empty: tf.zeros([0, 4]),
      'ünïcode name': tf.tensor([[[-7]]], [1, 1, 1], 'int32'),
    };
    const metadata = { step: 1000, config: { lr: 2e-4, sde: 'vp', betas: [0.1, 20] }, note: null, ok: true };
    await saveTensors(file, tensors, metadata);
    const loaded = await loadTensors(file);
    expect(loaded.metadata).toEqual(metadata);
    expect(Object.keys(loaded.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const got = loaded.tensors[name];
      expect(got.dtype, name).toBe(t.dtype);
      expect(got.shape, name).toEqual(t.shape);
      expect(Array.from(got.dataSync()), name).toEqual(Array.from(t.dataSync())); // toEqual treats NaN as equal
    }
    tf.dispose([...Object.values(tensors), ...Object.values(loaded.tensors)]);
    expect(await fs.readdir(dir)).toEqual(['ckpt.safetensors']);
  });

  it('writes a float32 tensor cast from bool as float32 (the cpu backend keeps such data as bytes)', async () => {
    const dir = await fresh(`t3-${tf.getBackend()}`);
    const file = path.join(dir, 'cast.safetensors');
    const cast = tf.cast(tf.tensor([true, false, true, true], [2, 2], 'bool'), 'float32');
    await saveTensors(file, { cast });
    const { tensors } = await loadTensors(file);
    expect(tensors.cast.dtype).toBe('float32');
    expect(Array.from(tensors.cast.dataSync())).toEqual([1, 0, 1, 1]);
    tf.dispose([cast, tensors.cast]);
  });

  it('leaks no tensors', async () => {
    const dir = await fresh(`t2-${tf.getBackend()}`);
    const file = path.join(dir, 'c.safetensors');
    const w = tf.ones([3, 3]);
    await expectNoTensorLeak(async () => {
      await saveTensors(file, { w });
      const { tensors } = await loadTensors(file);
      tf.dispose(tensors);
    });
    w.dispose();
  });
});

describe('tensor file format', () => {
  it('is safetensors: u64 header length, JSON header padded to 8 bytes, little-endian data at the stated offsets', async () => {
    const dir = await fresh('fmt');
    const file = path.join(dir, 'x.safetensors');
    const w = tf.tensor([1.5, -2, 3], [3], 'float32');
    const m = tf.tensor([1, 0], [2], 'bool');
    const i = tf.tensor([[7, -8]], [1, 2], 'int32');
    await saveTensors(file, { w, m, i }, { step: 3 });
    tf.dispose([w, m, i]);
    const bytes = await fs.readFile(file);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = Number(view.getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
    const data = bytes.subarray(8 + n);
    expect(header.w).toEqual({ dtype: 'F32', shape: [3], data_offsets: header.w.data_offsets });
    expect(header.m.dtype).toBe('BOOL');
    expect(header.i.dtype).toBe('I32');
    const [wb, we] = header.w.data_offsets;
    expect([0, 1, 2].map((k) => data.readFloatLE(wb + 4 * k))).toEqual([1.5, -2, 3]);
    expect(we - wb).toBe(12);
    const [ib] = header.i.data_offsets;
    expect([data.readInt32LE(ib), data.readInt32LE(ib + 4)]).toEqual([7, -8]);
    const [mb] = header.m.data_offsets;
    expect([data[mb], data[mb + 1]]).toEqual([1, 0]);
    // 4-byte tensors come before 1-byte ones, so every tensor is aligned to its element size.
    expect(mb).toBe(20);
    expect(data.length).toBe(22);
    expect(JSON.parse(header.__metadata__['scorekit.metadata'])).toEqual({ step: 3 });
    expect(header.__metadata__['scorekit.crc32']).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('loadTensors refuses damaged files with a TensorFileError naming the file', () => {
  let dir: string;
  let good: Buffer;
  const original = { a: [1, 2, 3, 4, 5, 6], b: [9, -9], c: [1, 0, 1] };
  beforeAll(async () => {
    dir = await fresh('damaged');
    const t = { a: tf.tensor(original.a, [2, 3]), b: tf.tensor(original.b, [2], 'int32'), c: tf.tensor(original.c, [3], 'bool') };
    await saveTensors(path.join(dir, 'good.safetensors'), t, { step: 7 });
    tf.dispose(Object.values(t));
    good = await fs.readFile(path.join(dir, 'good.safetensors'));
  });

  const expectRefused = async (bytes: Uint8Array, message: RegExp, name = 'bad.safetensors') => {
    const file = path.join(dir, name);
    await fs.writeFile(file, bytes);
    const err = await loadTensors(file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TensorFileError);
    expect((err as TensorFileError).path).toBe(file);
    expect((err as Error).message).toContain(`Cannot load tensors from ${file}: `);
    expect((err as Error).message).toMatch(message);
  };

  it('missing file', async () => {
    await expect(loadTensors(path.join(dir, 'nope.safetensors'))).rejects.toThrow(/nope.safetensors: no such file/);
  });

  it('truncated anywhere', async () => {
    await expectRefused(good.subarray(0, 5), /too short/);
    await expectRefused(good.subarray(0, 40), /header length field says \d+ bytes but only 32 follow/);
    await expectRefused(good.subarray(0, good.length - 1), /need 35 data bytes but the file has 34 \(truncated\)/);
    await expectRefused(Buffer.concat([good, Buffer.from([0])]), /1 bytes after the last tensor/);
    // Every prefix is refused.
    for (let len = 0; len < good.length; len++) {
      const err = await loadTensors(await write(good.subarray(0, len))).catch((e: unknown) => e);
      expect(err, `prefix of ${len} bytes`).toBeInstanceOf(TensorFileError);
    }
  });

  async function write(bytes: Uint8Array): Promise<string> {
    const file = path.join(dir, 'scratch.safetensors');
    await fs.writeFile(file, bytes);
    return file;
  }

  it('every single-bit flip of the whole file is refused (or, never seen so far, loads unchanged)', () => {
    // In memory, through the same decoder loadTensors uses, so that 8 × file-size cases stay fast.
    let refused = 0;
    for (let pos = 0; pos < good.length; pos++) {
      for (let bit = 0; bit < 8; bit++) {
        const bytes = new Uint8Array(good);
        bytes[pos] ^= 1 << bit;
        let decoded: ReturnType<typeof decodeTensorFile>;
        try {
          decoded = decodeTensorFile(bytes, false, (problem) => {
            throw new TensorFileError('flipped', problem);
          });
        } catch (e) {
          if (!(e instanceof TensorFileError)) throw new Error(`flip at byte ${pos} bit ${bit} threw ${(e as Error).name}: ${(e as Error).message}`);
          refused++;
          continue;
        }
        expect(decoded.metadata).toEqual({ step: 7 });
        const byName = Object.fromEntries(decoded.entries.map((e) => [e.name, Array.from(e.values)]));
        expect(byName).toEqual(original);
      }
    }
    expect(refused).toBe(good.length * 8);
  });

  it('structural lies in a well-formed header', async () => {
    const forge = (header: object, data: Uint8Array) => {
      const json = Buffer.from(JSON.stringify(header));
      const prefix = Buffer.alloc(8);
      prefix.writeUInt32LE(json.length, 0);
      return Buffer.concat([prefix, json, data]);
    };
    const data = new Uint8Array(16);
    await expectRefused(forge({ x: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }, data), /dtype F64 \(tfjs has no float64.*\); supported: F32, I32, BOOL/);
    await expectRefused(forge({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, data), /shape \[3\] of F32 needs 12 bytes but data_offsets span 16/);
    await expectRefused(forge({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, data.subarray(0, 12)), /overlap/);
    await expectRefused(forge({ x: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, data), /starts at data byte 8 but the previous tensor ends at 0 \(gap\)/);
    await expectRefused(forge({ x: { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }, data), /expected a list of non-negative integers/);
    await expectRefused(forge([1, 2] as unknown as object, new Uint8Array(0)), /not a JSON object/);
    await expectRefused(forge({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, data), /no scorekit checksum.*allowUnverified: true/);
    const garbage = Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0xff, 0xfe, 0x7b, 0x7d])]);
    await expectRefused(garbage, /not valid UTF-8 JSON/);
  });
});

describe('saveTensors refuses bad input before touching the file', () => {
  it('names the tensor or metadata field at fault and what is allowed', async () => {
    const dir = await fresh('bad-input');
    const file = path.join(dir, 'c.safetensors');
    await fs.writeFile(file, 'previous checkpoint');
    const t = tf.ones([2]);
    const disposed = tf.ones([2]);
    disposed.dispose();
    const text = tf.tensor(['a']);
    await expect(saveTensors(file, { s: text })).rejects.toThrow(/tensor 's' has dtype string; allowed: float32, int32, bool/);
    await expect(saveTensors(file, { d: disposed })).rejects.toThrow(/tensor 'd' is disposed/);
    await expect(saveTensors(file, { __metadata__: t })).rejects.toThrow(/'__metadata__' cannot be a tensor name/);
    await expect(saveTensors(file, { x: [1, 2] as unknown as tf.Tensor })).rejects.toThrow(/'x' is not a tf.Tensor/);
    await expect(saveTensors(file, { t }, { loss: Number.NaN })).rejects.toThrow(/metadata.loss is NaN; metadata must be JSON/);
    await expect(saveTensors(file, { t }, { when: new Date() as unknown as string })).rejects.toThrow(/metadata.when is a Date/);
    await expect(saveTensors(file, { t }, { a: [1, undefined as unknown as number] })).rejects.toThrow(/metadata.a\[1\] is a undefined/);
    expect(await fs.readFile(file, 'utf8')).toBe('previous checkpoint');
    tf.dispose([t, text]);
  });
});
