import * as E from 'fp-ts/lib/Either.js';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { Rng } from '@scorekit/core';
import { loadNpy, saveNpy } from '@scorekit/core/node';
import { expectAllClose, expectClose } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  clipScore,
  clipScoreFromSums,
  clipScoreSums,
  featureStatistics,
  featureSums,
  fid,
  frechetDistance,
  inceptionScore,
  inceptionScoreFromSums,
  inceptionScoreSums,
  mergeClipScoreSums,
  mergeFeatureSums,
  mergeInceptionScoreSums,
  parseMetricSums,
  statisticsFromSums,
} from '../src/index.js';
import { loadFeatureSumsNpy, loadMetricSums, saveFeatureSumsNpy, saveMetricSums } from '../src/node.js';
import type { FlatFeatures, MetricSums } from '../src/index.js';

const U = 2 ** -53; // float64 unit round-off

/** Correlated Gaussian features with a mean far from 0 (shift), so Σffᵀ − nμμᵀ really cancels. */
function features(seed: number, n: number, d: number, shift: number): Float64Array {
  const z = new Rng(seed).normalArray(n * d);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = shift + z[i * d + j] + 0.5 * z[i * d + ((j + 1) % d)];
  return x;
}

/** Rows [r0, r1) of an n × d matrix. */
const rows = (x: Float64Array, d: number, r0: number, r1: number): FlatFeatures => ({ data: x.subarray(r0 * d, r1 * d), shape: [r1 - r0, d] });

/** Uneven contiguous shard boundaries, as `--shard i/N` cuts them: ⌊i·n/N⌋. */
const bounds = (n: number, k: number): number[] => Array.from({ length: k + 1 }, (_, i) => Math.floor((i * n) / k));

function softmaxRows(seed: number, n: number, c: number): Float64Array {
  const z = new Rng(seed).normalArray(n * c);
  const p = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += (p[i * c + j] = Math.exp(2 * z[i * c + j]));
    for (let j = 0; j < c; j++) p[i * c + j] /= s;
  }
  return p;
}

describe('FID sums (n, Σf, Σffᵀ in float64)', () => {
  it('closed form: [[1], [3]] → n 2, Σf 4, Σf² 10; mean 2, variance (10 − 2·4)/1 = 2', () => {
    const s = featureSums([[1], [3]]);
    expect([s.n, s.sum[0], s.sumOuter[0]]).toEqual([2, 4, 10]);
    const st = statisticsFromSums(s);
    expect([st.mean[0], st.cov[0]]).toEqual([2, 2]);
  });

  it('merged sums of 5 uneven shards equal the one-pass sums to float64 round-off', () => {
    const n = 503;
    const d = 7;
    const x = features(1, n, d, 3);
    const b = bounds(n, 5);
    const merged = mergeFeatureSums(b.slice(0, -1).map((r0, i) => featureSums(rows(x, d, r0, b[i + 1]))));
    const whole = featureSums({ data: x, shape: [n, d] });
    expect(merged.n).toBe(n);
    // Merging only regroups the same float64 additions: each entry of Σf / Σffᵀ may move by at most
    // (n − 1)·u·Σ|terms| (the bound of any summation order); Σ|f_i f_j| ≤ n·max|f|², bounded here by the data itself.
    let maxAbs = 0;
    for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
    const bound = n * U * n * maxAbs * maxAbs;
    expectAllClose(merged.sum, whole.sum, n * U * n * maxAbs);
    expectAllClose(merged.sumOuter, whole.sumOuter, bound);
    // …and the bound is tight enough to catch a lost shard (which shifts entries by O(n/5 · 9)).
    const lost = mergeFeatureSums(b.slice(0, -2).map((r0, i) => featureSums(rows(x, d, r0, b[i + 1]))));
    expect(Math.abs(lost.sumOuter[0] - whole.sumOuter[0])).toBeGreaterThan(1e6 * bound);
  });

  it('statistics from merged sums equal the centred two-pass statistics, and FID equals the one-pass FID', () => {
    const n = 400;
    const d = 6;
    const real = features(2, n, d, 3);
    const fake = features(3, n, d, 3.4);
    const b = bounds(n, 3);
    const shards = b.slice(0, -1).map((r0, i) => featureSums(rows(fake, d, r0, b[i + 1])));
    const merged = statisticsFromSums(mergeFeatureSums(shards));
    const onePass = featureStatistics({ data: fake, shape: [n, d] }, { matmul: 'float64' });
    expectAllClose(merged.mean, onePass.mean, 0, 4 * n * U);
    // Σffᵀ − nμμᵀ cancels: entries of Σffᵀ are ~n(μ² + σ²) ≈ n·12.5 here while the covariance is ~1.25, so the
    // uncentred form loses a factor (μ² + σ²)/σ² ≈ 10 of relative precision: ≤ 10·n·u·(μ² + σ²) ≈ 2e-11 absolute.
    expectAllClose(merged.cov, onePass.cov, 10 * n * U * 12.5);
    // FID is a smooth function of the statistics with these well-conditioned covariances (eigenvalues ≥ 0.25), so
    // a 2e-11 covariance perturbation moves it by ~d·2e-11/0.25 < 1e-9 absolute; FID here is ~1 (mean shift 0.4).
    const merger = frechetDistance(featureStatistics({ data: real, shape: [n, d] }), merged);
    const single = fid({ data: real, shape: [n, d] }, { data: fake, shape: [n, d] }, { matmul: 'float64' });
    expect(single).toBeGreaterThan(0.5);
    expectClose(merger, single, 1e-9, 1e-9, 'FID merged vs one pass');
  });

  it('rejects shards of different dimension and statistics of fewer than 2 samples', () => {
    expect(() => mergeFeatureSums([featureSums([[1, 2]]), featureSums([[1]])])).toThrow(/shard 0 has 2, shard 1 has 1/);
    expect(() => mergeFeatureSums([])).toThrow(/at least one shard/);
    expect(() => statisticsFromSums(featureSums([[1]]))).toThrow(/at least 2 samples/);
  });
});

describe('Inception Score sums', () => {
  const n = 120;
  const c = 5;
  const p = softmaxRows(4, n, c);
  const all: FlatFeatures = { data: p, shape: [n, c] };
  const b = bounds(n, 4);
  const shards = b.slice(0, -1).map((r0, i) => inceptionScoreSums(rows(p, c, r0, b[i + 1])));

  it('shards as splits give inceptionScore with splits = shards; merged shards give one split', () => {
    // Same sums regrouped, plus exp/log of O(1) values: agreement to ~1e-13 relative; 1e-12 leaves margin.
    const bySplit = inceptionScore(all, { splits: 4 });
    const fromSums = inceptionScoreFromSums(shards);
    expectClose(fromSums.mean, bySplit.mean, 0, 1e-12, 'IS mean');
    expectClose(fromSums.std, bySplit.std, 1e-12, 1e-10, 'IS std');
    const one = inceptionScoreFromSums([mergeInceptionScoreSums(shards)]);
    expectClose(one.mean, inceptionScore(all, { splits: 1 }).mean, 0, 1e-12, 'IS one split');
    expect(one.std).toBe(0);
  });

  it('closed form: every row uniform over c classes → KL 0 → IS 1; one-hot rows of distinct classes → IS c', () => {
    const uniform = inceptionScoreSums([[0.5, 0.5], [0.5, 0.5]]);
    expectClose(inceptionScoreFromSums([uniform]).mean, 1, 1e-15);
    const oneHot = inceptionScoreSums([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expectClose(inceptionScoreFromSums([oneHot]).mean, 3, 1e-14);
  });

  it('rejects logits and groups of different class counts', () => {
    expect(() => inceptionScoreSums([[2, -1]])).toThrow(/probabilities must be ≥ 0/);
    expect(() => mergeInceptionScoreSums([shards[0], inceptionScoreSums([[1, 0]])])).toThrow(/group 0 has 5, group 1 has 2/);
  });
});

describe('CLIP score sums', () => {
  it('merged shards give clipScore in both styles', () => {
    const n = 90;
    const d = 8;
    const img = features(5, n, d, 1);
    const txt = features(6, n, d, 1);
    const b = bounds(n, 3);
    const merged = mergeClipScoreSums(b.slice(0, -1).map((r0, i) => clipScoreSums(rows(img, d, r0, b[i + 1]), rows(txt, d, r0, b[i + 1]))));
    const a: FlatFeatures = { data: img, shape: [n, d] };
    const t: FlatFeatures = { data: txt, shape: [n, d] };
    const got = clipScoreFromSums(merged);
    // Sums of n cosines (|cos| ≤ 1) in another order: ≤ n·u·n absolute before the mean.
    expectClose(got.clip, clipScore(a, t), 100 * n * U, 0, 'clip');
    expectClose(got.clipHessel, clipScore(a, t, { style: 'hessel' }), 2.5 * n * U, 0, 'clipHessel');
    expect(got.clip).toBeGreaterThan(10); // mean cos ≈ μ²/(μ² + σ²) ≈ 0.44: the clamp does not hide a wrong sum
  });
});

describe('metric sums files', () => {
  it('round-trip every kind bit for bit through save and load', async () => {
    const dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'sums-'));
    const x = features(7, 10, 3, 1);
    const all: MetricSums[] = [
      { metric: 'fid', ...featureSums({ data: x, shape: [10, 3] }) },
      { metric: 'is', ...inceptionScoreSums({ data: softmaxRows(8, 6, 4), shape: [6, 4] }) },
      { metric: 'clip', ...clipScoreSums({ data: x, shape: [10, 3] }, { data: x.slice().reverse(), shape: [10, 3] }) },
    ];
    for (const s of all) {
      const path = nodePath.join(dir, `${s.metric}.json`);
      expect(E.isRight(await saveMetricSums(path, s)())).toBe(true);
      const back = await loadMetricSums(path)();
      expect(E.isRight(back) && back.right).toEqual(s);
    }
    await fs.rm(dir, { recursive: true });
  });

  it('reports every problem of a malformed file at once', () => {
    const r = parseMetricSums(JSON.stringify({ format: 'scorekit.metric-sums', version: 2, metric: 'fid', n: 0, d: 2, sum: [1], sumOuter: [1, 2, 3, 4] }));
    expect(E.isLeft(r) && r.left).toEqual(['version must be 1; got 2', 'n must be an integer ≥ 1; got 0', 'sum has 1 values; expected 2']);
    const k = parseMetricSums(JSON.stringify({ format: 'scorekit.metric-sums', version: 1, metric: 'kid', n: 3 }));
    expect(E.isLeft(k) && k.left).toEqual(['metric must be one of fid, is, clip; got "kid"']);
  });
});

describe('FID sums as .npy', () => {
  it('is the augmented matrix Σ [1, f][1, f]ᵀ, round-trips exactly, and rejects a float32 or non-square array', async () => {
    const dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'sums-'));
    const path = nodePath.join(dir, 'fid.npy');
    const s = featureSums([[1, 2], [3, -1]]);
    expect(E.isRight(await saveFeatureSumsNpy(path, s)())).toBe(true);
    // rows [1, 1, 2] and [1, 3, −1]: n 2; Σf (4, 1); Σffᵀ [[1 + 9, 2 − 3], [2 − 3, 4 + 1]]
    expect(Array.from((await loadNpy(path)).data as Float64Array)).toEqual([2, 4, 1, 4, 10, -1, 1, -1, 5]);
    const back = await loadFeatureSumsNpy(path)();
    expect(E.isRight(back) && back.right).toEqual(s);
    await saveNpy(path, new Float32Array(9), [3, 3]);
    const f32 = await loadFeatureSumsNpy(path)();
    expect(E.isLeft(f32) && f32.left.problems).toEqual(['must be float64 (exact sums); got float32']);
    await saveNpy(path, new Float64Array(6), [2, 3]);
    const rect = await loadFeatureSumsNpy(path)();
    expect(E.isLeft(rect) && rect.left.problems[0]).toMatch(/square/);
    await fs.rm(dir, { recursive: true });
  });
});
