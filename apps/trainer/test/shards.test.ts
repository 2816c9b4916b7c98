import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { loadNpy, saveNpy } from '@scorekit/core/node';
import { GaussianMixture } from '@scorekit/data';
import { createSampler } from '@scorekit/samplers';
import { createSde } from '@scorekit/sde';
import { expectClose } from '@scorekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleSeed, shardFromFlags, shardRange } from '../src/shard.js';
import { cli } from './cliHarness.js';
import { tempDir } from './helpers.js';

const appDir = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = nodePath.join(appDir, 'node_modules', '.bin', 'tsx');
const MIXTURE = { weights: [0.6, 0.4], means: [[-2, 0], [2, 1]], stds: [0.5, 0.7] };

describe('shard selection', () => {
  it('--shard i/N, or --shards N with the index from JOB_COMPLETION_INDEX', () => {
    expect(shardFromFlags({ shard: '2/5' }, {})).toEqual({ index: 2, count: 5 });
    expect(shardFromFlags({ shards: '4' }, { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(shardFromFlags({}, { JOB_COMPLETION_INDEX: '3' })).toBeUndefined();
    expect(() => shardFromFlags({ shard: '5/5' }, {})).toThrow(/0 ≤ i < N/);
    expect(() => shardFromFlags({ shard: '1-4' }, {})).toThrow(/--shard must be i\/N/);
    expect(() => shardFromFlags({ shards: '4' }, {})).toThrow(/JOB_COMPLETION_INDEX .* not set/);
    expect(() => shardFromFlags({ shards: '4' }, { JOB_COMPLETION_INDEX: '4' })).toThrow(/0 … 3/);
    expect(() => shardFromFlags({ shards: '0' }, {})).toThrow(/--shards must be an integer ≥ 1/);
    expect(() => shardFromFlags({ shard: '0/2', shards: '2' }, {})).toThrow(/not both/);
  });

  it('shard ranges tile 0 … n − 1 in order, sizes differing by at most one', () => {
    for (const n of [1, 7, 100, 1001]) {
      for (const count of [1, 2, 3, 7].filter((c) => c <= n)) {
        const ranges = Array.from({ length: count }, (_, index) => shardRange(n, { index, count }));
        expect(ranges[0]![0]).toBe(0);
        expect(ranges[count - 1]![1]).toBe(n);
        for (let i = 1; i < count; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
        const sizes = ranges.map(([a, b]) => b - a);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('per-sample seeds are distinct across 100 000 indices and depend on the run seed', () => {
    const seeds = new Set(Array.from({ length: 100_000 }, (_, j) => sampleSeed(7, j)));
    expect(seeds.size).toBe(100_000);
    expect(sampleSeed(8, 0)).not.toBe(sampleSeed(7, 0));
    expect(sampleSeed(7, 12)).toBe(sampleSeed(7, 12));
  });
});

/** Runs the CLI from source in a child process, as one pod of an Indexed Job would, with JOB_COMPLETION_INDEX set. */
function pod(index: number, script: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {
      cwd: appDir,
      env: { ...process.env, JOB_COMPLETION_INDEX: String(index), SCOREKIT: `${tsx} --conditions=source src/cli.ts` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('sample and FID over 3 local processes, as a Kubernetes Indexed Job runs them', () => {
  let dir: string;
  let mixture: string;
  let real: string;
  const n = 25; // 3 shards of 8, 8, 9 samples
  const common = (m: string): string[] => ['--score', `analytic:${m}`, '--sde', 'vp', '--sampler', 'dpm-solver++', '--steps', '8', '--n', String(n), '--seed', '5', '--backend', 'cpu'];

  beforeAll(async () => {
    dir = await tempDir('scorekit-shards-');
    mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify(MIXTURE));
    real = nodePath.join(dir, 'real.npy');
    const x = GaussianMixture.fromJSON(MIXTURE).sample(200, new Rng(1));
    await saveNpy(real, x);
    x.dispose();
  });

  it('the shards’ samples concatenated are the one-run samples, and the merged FID is the one-process FID', async () => {
    // The one-process run: all n indices, each from its per-sample seed.
    const one = nodePath.join(dir, 'one.npy');
    const r = await cli('sample', ...common(mixture), '--shard', '0/1', '--out', one);
    expect(r.code, r.stderr).toBe(0);
    // The same command in 3 processes at once, shard from JOB_COMPLETION_INDEX, each writing its FID sums too.
    const args = common(mixture).join(' ');
    const script = `$SCOREKIT sample ${args} --shards 3 --out ${dir}/s-$JOB_COMPLETION_INDEX.npy && ` +
      `$SCOREKIT eval --metric fid --fake ${dir}/s-$JOB_COMPLETION_INDEX.npy --stats-out ${dir}/fid-$JOB_COMPLETION_INDEX.json --backend cpu`;
    const pods = await Promise.all([0, 1, 2].map((i) => pod(i, script)));
    for (const p of pods) expect(p.code, p.stderr).toBe(0);

    const whole = await loadNpy(one);
    const parts = await Promise.all([0, 1, 2].map((i) => loadNpy(nodePath.join(dir, `s-${i}.npy`))));
    expect(parts.map((p) => p.shape)).toEqual([[8, 2], [8, 2], [9, 2]]);
    const concatenated = new Float32Array(parts.flatMap((p) => Array.from(p.data as Float32Array)));
    // Bit-for-bit: each sample is the same computation from the same seed on the same backend, whichever process.
    expect(concatenated).toEqual(whole.data);
    // …and distinct samples (a seed that ignored the index would repeat one point n times).
    expect(new Set(Array.from({ length: n }, (_, j) => concatenated[2 * j])).size).toBe(n);

    // Sample 0 is what the sampler draws from seed sampleSeed(5, 0) alone: the documented seeding.
    const { score, sde } = analyticScore();
    const direct = await createSampler('dpm-solver++', { steps: 8 }).run({ score, sde, shape: [1, 2], seed: sampleSeed(5, 0) });
    expect(Array.from(direct.samples.dataSync())).toEqual(Array.from(concatenated.subarray(0, 2)));
    direct.samples.dispose();

    const merged = await cli('eval', '--metric', 'fid', '--real', real, '--merge', ...[0, 1, 2].map((i) => nodePath.join(dir, `fid-${i}.json`)), '--json', '--backend', 'cpu');
    expect(merged.code, merged.stderr).toBe(0);
    const single = await cli('eval', '--metric', 'fid', '--real', real, '--fake', one, '--json', '--backend', 'cpu');
    expect(single.code, single.stderr).toBe(0);
    const a = JSON.parse(merged.stdout) as { values: { fid: number }; fake: { n: number } };
    const b = JSON.parse(single.stdout) as { values: { fid: number } };
    expect(a.fake.n).toBe(n);
    // Same float32 samples; sums vs centred two-pass covariance differ by ~n·u·(|μ|² + σ²)/σ² ≈ 25·1e-16·10
    // relative in 2D, and FID is smooth in them: 1e-9 relative is far above round-off and far below any real
    // difference (a lost or repeated shard moves this FID by > 1e-2).
    expect(b.values.fid).toBeGreaterThan(0);
    expectClose(a.values.fid, b.values.fid, 1e-12, 1e-9, 'merged vs one-process FID');
  }, 600_000); // 6 process starts from source (tsx): ~90 s at load average 25 on 2 cores

  it('sampling by index leaves no tensors behind', async () => {
    const out = nodePath.join(dir, 'leak.npy');
    await cli('sample', ...common(mixture), '--shard', '1/3', '--out', out); // warm-up: backend and kernels
    const before = tf.memory().numTensors;
    const r = await cli('sample', ...common(mixture), '--shard', '1/3', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  function analyticScore() {
    const sde = createSde({ name: 'vp' });
    return { score: GaussianMixture.fromJSON(MIXTURE).scoreFn(sde), sde };
  }
});

describe('eval --stats-out / --merge for IS and KID', () => {
  it('IS: equal shards of probabilities merge to --splits N; KID: gathered features give the one-pass KID', async () => {
    const dir = await tempDir('scorekit-shards-');
    const rng = new Rng(3);
    const probs = tf.tidy(() => tf.softmax(tf.mul(rng.normal([60, 4]), 2)));
    const feats = rng.normal([60, 3]);
    const ref = rng.normal([50, 3]);
    const all = nodePath.join(dir, 'p.npy');
    await saveNpy(all, probs);
    await saveNpy(nodePath.join(dir, 'f.npy'), feats);
    await saveNpy(nodePath.join(dir, 'ref.npy'), ref);
    const pShards: string[] = [];
    const fShards: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = nodePath.join(dir, `p-${i}.npy`);
      const f = nodePath.join(dir, `f-${i}.npy`);
      const sp = tf.slice(probs, [20 * i, 0], [20, 4]);
      const sf = tf.slice(feats, [20 * i, 0], [20, 3]);
      await saveNpy(p, sp);
      await saveNpy(f, sf);
      tf.dispose([sp, sf]);
      pShards.push(nodePath.join(dir, `is-${i}.json`));
      fShards.push(nodePath.join(dir, `kid-${i}.npy`));
      expect((await cli('eval', '--metric', 'is', '--fake', p, '--stats-out', pShards[i]!)).code).toBe(0);
      expect((await cli('eval', '--metric', 'kid', '--fake', f, '--stats-out', fShards[i]!)).code).toBe(0);
    }
    tf.dispose([probs, feats, ref]);
    const isMerged = JSON.parse((await cli('eval', '--metric', 'is', '--merge', ...pShards, '--json')).stdout) as { values: { mean: number; std: number } };
    const isOne = JSON.parse((await cli('eval', '--metric', 'is', '--fake', all, '--splits', '3', '--json')).stdout) as { values: { mean: number; std: number } };
    // The same float64 sums regrouped, then exp/log of O(1) values: 1e-12 relative.
    expectClose(isMerged.values.mean, isOne.values.mean, 0, 1e-12, 'IS mean');
    expectClose(isMerged.values.std, isOne.values.std, 1e-12, 1e-9, 'IS std');
    const kidArgs = ['--metric', 'kid', '--real', nodePath.join(dir, 'ref.npy'), '--subsets', '5', '--subset-size', '20', '--json'];
    const kidMerged = JSON.parse((await cli('eval', ...kidArgs, '--merge', ...fShards)).stdout) as { values: { mean: number } };
    const kidOne = JSON.parse((await cli('eval', ...kidArgs, '--fake', nodePath.join(dir, 'f.npy'))).stdout) as { values: { mean: number } };
    expect(kidMerged.values.mean).toBe(kidOne.values.mean); // the very same features and subset draws
  });

  it('rejects a shard file of another metric and --stats-out with the wrong extension, before reading inputs', async () => {
    const r = await cli('eval', '--metric', 'fid', '--fake', 'missing.npy', '--stats-out', 'x.npy');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--stats-out for --metric fid must be a \.json file/);
    const m = await cli('eval', '--metric', 'fid', '--real', 'r.npy', '--fake', 'f.npy', '--merge', 'a.json');
    expect(r.code).toBe(2);
    expect(m.stderr).toMatch(/--merge replaces --fake/);
  });
});
