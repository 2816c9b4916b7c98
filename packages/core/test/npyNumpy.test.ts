// Round trips against numpy itself: arrays written here are read by numpy.load, and arrays written by numpy.save
// (C and Fortran order, big-endian, format 2.0) are read here. Both sides compute the same values from the same
// integer formula, so neither side's output is taken on trust. Needs a python with numpy: $SCOREKIT_PYTHON or
// /usr/bin/python3 (Debian's python3-numpy); without one the suite is skipped and says why.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNpy, saveNpy } from '../src/node.js';
import type { NpyWriteDtype } from '../src/index.js';

const PYTHON = process.env.SCOREKIT_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8', timeout: 30_000 });
const numpyVersion = probe.status === 0 ? probe.stdout.trim() : null;
const skipReason = numpyVersion == null ? `no numpy in ${PYTHON} (set SCOREKIT_PYTHON, or apt-get install python3-numpy)` : null;
if (skipReason != null) console.warn(`npyNumpy.test.ts: skipping the numpy round trips: ${skipReason}`);

// value(i) for element i of a dtype — integers exact in every dtype and in float32; mirrored in PY_VALUES below.
const RANGES: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n], uint8: [0n, 255n], int16: [-32768n, 32767n], uint16: [0n, 65535n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n], uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], uint64: [0n, 2n ** 64n - 1n],
};
function value(dtype: string, i: number): number | bigint | boolean {
  if (dtype === 'bool') return i % 3 === 1;
  if (dtype === 'float32' || dtype === 'float64') return (i * 7 - 20) / 16; // dyadic: exact in float32
  const [lo, hi] = RANGES[dtype];
  const span = hi - lo + 1n;
  const v = lo + ((BigInt(i) * 2654435761n + 12345n) % span); // spreads values over the whole range
  return dtype === 'int64' || dtype === 'uint64' ? v : Number(v);
}
const PY_VALUES = `
import numpy as np
R = {'int8': (-128, 127), 'uint8': (0, 255), 'int16': (-32768, 32767), 'uint16': (0, 65535),
     'int32': (-2**31, 2**31 - 1), 'uint32': (0, 2**32 - 1), 'int64': (-2**63, 2**63 - 1), 'uint64': (0, 2**64 - 1)}
def values(dtype, n):
    if dtype == 'bool':
        return np.array([i % 3 == 1 for i in range(n)], dtype=bool)
    if dtype in ('float32', 'float64'):
        return np.array([(i * 7 - 20) / 16 for i in range(n)], dtype=dtype)
    lo, hi = R[dtype]
    return np.array([lo + (i * 2654435761 + 12345) % (hi - lo + 1) for i in range(n)], dtype=dtype)
`;

const DTYPES: NpyWriteDtype[] = ['bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64'];
const SHAPES: number[][] = [[], [0], [5], [2, 3], [2, 3, 4], [3, 0, 2]];

function python(script: string, input?: string): string {
  const r = spawnSync(PYTHON, ['-c', script], { input, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(skipReason != null)(`numpy round trip${skipReason != null ? ` — SKIPPED: ${skipReason}` : ` (numpy ${numpyVersion})`}`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scorekit-numpy-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('numpy.load reads what saveNpy writes, for every dtype and shape', async () => {
    const files: { file: string; dtype: string; shape: number[] }[] = [];
    for (const dtype of DTYPES) {
      for (const [k, shape] of SHAPES.entries()) {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = Array.from({ length: n }, (_, i) => value(dtype, i)) as number[] | bigint[] | boolean[];
        const file = path.join(dir, `ts_${dtype}_${k}.npy`);
        await saveNpy(file, data, shape, dtype);
        files.push({ file, dtype, shape });
      }
    }
    const report = python(
      `${PY_VALUES}
import json, sys
bad = []
specs = json.load(sys.stdin)
for spec in specs:
    a = np.load(spec['file'], allow_pickle=False)
    want = values(spec['dtype'], int(np.prod(spec['shape'], dtype=np.int64))).reshape(spec['shape'])
    if a.dtype != np.dtype(spec['dtype']) or a.dtype.byteorder not in '<|=' or list(a.shape) != spec['shape'] \\
            or not a.flags['C_CONTIGUOUS'] or not np.array_equal(a, want):
        bad.append(spec['file'])
print(json.dumps({'checked': len(specs), 'bad': bad}))
`,
      JSON.stringify(files),
    );
    expect(JSON.parse(report)).toEqual({ checked: DTYPES.length * SHAPES.length, bad: [] });
  });

  it('loadNpy reads what numpy.save writes: C and Fortran order, big-endian, format 2.0', async () => {
    const specs: { file: string; dtype: string; shape: number[]; order: 'C' | 'F'; endian: '<' | '>'; version: 1 | 2 }[] = [];
    let k = 0;
    for (const dtype of DTYPES) {
      for (const shape of SHAPES) {
        for (const [order, endian, version] of [['C', '<', 1], ['F', '<', 1], ['C', '>', 1], ['F', '>', 2]] as const) {
          specs.push({ file: path.join(dir, `np_${k++}.npy`), dtype, shape, order, endian, version });
        }
      }
    }
    python(
      `${PY_VALUES}
import json, sys
from numpy.lib import format as npf
for s in json.load(sys.stdin):
    n = int(np.prod(s['shape'], dtype=np.int64))
    a = values(s['dtype'], n).reshape(s['shape'])
    a = a.astype(a.dtype.newbyteorder(s['endian']))
    a = a.copy(order=s['order'])  # not np.ascontiguousarray, which turns 0-d into 1-d
    with open(s['file'], 'wb') as f:
        npf.write_array(f, a, version=(s['version'], 0))
`,
      JSON.stringify(specs),
    );
    for (const s of specs) {
      const got = await loadNpy(s.file);
      const n = s.shape.reduce((a, b) => a * b, 1);
      const want = Array.from({ length: n }, (_, i) => value(s.dtype, i)).map((v) => (typeof v === 'boolean' ? Number(v) : v));
      const label = `${s.dtype} ${JSON.stringify(s.shape)} ${s.order}-order ${s.endian} v${s.version}`;
      expect(got.dtype, label).toBe(s.dtype);
      expect(got.shape, label).toEqual(s.shape);
      expect(Array.from(got.data as ArrayLike<number | bigint>), label).toEqual(want);
    }
    expect(specs.length).toBe(DTYPES.length * SHAPES.length * 4);
  });
});
