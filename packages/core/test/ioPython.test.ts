// Tensor files are safetensors, so Python can read our checkpoints and we can read theirs. The Python side parses
// the format from its description (8-byte little-endian header length, JSON header, raw C-order little-endian
// data) with numpy, and also uses the `safetensors` package when it is installed. Needs a python with numpy:
// $SCOREKIT_PYTHON or /usr/bin/python3; without one the suite is skipped and says why.
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTensors, saveTensors, TensorFileError } from '../src/node.js';

const PYTHON = process.env.SCOREKIT_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8', timeout: 30_000 });
const skipReason = probe.status !== 0 ? `no numpy in ${PYTHON} (set SCOREKIT_PYTHON, or apt-get install python3-numpy)` : null;
if (skipReason != null) console.warn(`ioPython.test.ts: skipping the Python interop checks: ${skipReason}`);

function python(script: string, input?: string): string {
  const r = spawnSync(PYTHON, ['-c', script], { input, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const PY_READ = `
import json, struct, sys
import numpy as np
DT = {'F32': '<f4', 'I32': '<i4', 'BOOL': '?', 'F16': '<f2', 'U8': 'u1', 'I16': '<i2'}
def read(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {})
    data = raw[8 + n:]
    out = {}
    for name, spec in header.items():
        b, e = spec['data_offsets']
        a = np.frombuffer(data[b:e], dtype=DT[spec['dtype']]).reshape(spec['shape'])
        out[name] = a
    return out, meta
`;

describe.skipIf(skipReason != null)(`safetensors interop with Python${skipReason != null ? ` — SKIPPED: ${skipReason}` : ''}`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scorekit-py-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('Python reads a checkpoint written by saveTensors', async () => {
    const file = path.join(dir, 'ours.safetensors');
    const t = {
      w: tf.tensor([[1.5, -2], [0.25, 1e-3]]),
      steps: tf.tensor([3, -4, 5], [3], 'int32'),
      mask: tf.tensor([1, 0, 1], [3], 'bool'),
      s: tf.scalar(2.5),
    };
    await saveTensors(file, t, { step: 42, name: 'vp' });
    tf.dispose(Object.values(t));
    const out = python(`${PY_READ}
FILE = ${JSON.stringify(file)}
arrays, meta = read(FILE)
res = {k: {'shape': list(v.shape), 'dtype': v.dtype.str, 'values': v.ravel().tolist()} for k, v in arrays.items()}
res['__meta__'] = json.loads(meta['scorekit.metadata'])
try:
    from safetensors.numpy import load_file  # the reference implementation, when installed
    res['__lib__'] = sorted(load_file(FILE).keys())
except ImportError:
    res['__lib__'] = None
print(json.dumps(res))
`);
    const res = JSON.parse(out);
    expect(res.w).toEqual({ shape: [2, 2], dtype: '<f4', values: [1.5, -2, 0.25, Math.fround(1e-3)] });
    expect(res.steps).toEqual({ shape: [3], dtype: '<i4', values: [3, -4, 5] });
    expect(res.mask).toEqual({ shape: [3], dtype: '|b1', values: [true, false, true] });
    expect(res.s).toEqual({ shape: [], dtype: '<f4', values: [2.5] });
    expect(res.__meta__).toEqual({ step: 42, name: 'vp' });
    if (res.__lib__ != null) expect(res.__lib__).toEqual(['mask', 's', 'steps', 'w']);
  });

  it('loadTensors reads a safetensors file written in Python (with allowUnverified), widening F16/U8/I16 exactly', async () => {
    const file = path.join(dir, 'theirs.safetensors');
    python(
      `
import json, struct
import numpy as np
tensors = {
    'a': np.array([[1, 2, 3], [4, 5, 6]], '<f4') / 8,
    'half': np.array([0.5, -65504, 2**-24], '<f2'),
    'bytes': np.array([0, 200, 255], 'u1'),
    'short': np.array([-32768, 7], '<i2'),
    'flags': np.array([True, False]),
    'ids': np.array([[9], [-9]], '<i4'),
}
codes = {'float32': 'F32', 'float16': 'F16', 'uint8': 'U8', 'int16': 'I16', 'bool': 'BOOL', 'int32': 'I32'}
header, blobs, offset = {'__metadata__': {'format': 'np'}}, [], 0
for name, a in tensors.items():   # insertion order: deliberately not aligned
    b = a.tobytes()
    header[name] = {'dtype': codes[a.dtype.name], 'shape': list(a.shape), 'data_offsets': [offset, offset + len(b)]}
    blobs.append(b)
    offset += len(b)
h = json.dumps(header).encode()
h += b' ' * (-len(h) % 8)
with open(${JSON.stringify(file)}, 'wb') as f:
    f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
`,
    );
    const refused = await loadTensors(file).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TensorFileError);
    expect((refused as Error).message).toMatch(/no scorekit checksum/);

    const { tensors, metadata } = await loadTensors(file, { allowUnverified: true });
    expect(metadata).toEqual({ format: 'np' });
    const got = (k: string) => ({ dtype: tensors[k].dtype, shape: tensors[k].shape, values: Array.from(tensors[k].dataSync()) });
    expect(got('a')).toEqual({ dtype: 'float32', shape: [2, 3], values: [1, 2, 3, 4, 5, 6].map((v) => v / 8) });
    expect(got('half')).toEqual({ dtype: 'float32', shape: [3], values: [0.5, -65504, 2 ** -24] });
    expect(got('bytes')).toEqual({ dtype: 'int32', shape: [3], values: [0, 200, 255] });
    expect(got('short')).toEqual({ dtype: 'int32', shape: [2], values: [-32768, 7] });
    expect(got('flags')).toEqual({ dtype: 'bool', shape: [2], values: [1, 0] });
    expect(got('ids')).toEqual({ dtype: 'int32', shape: [2, 1], values: [9, -9] });
    tf.dispose(tensors);
  });
});
