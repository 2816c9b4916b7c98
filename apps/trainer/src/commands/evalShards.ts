import * as E from 'fp-ts/lib/Either.js';
import { ensureDir, saveNpy } from '@scorekit/core/node';
import {
  clipScoreFromSums,
  clipScoreSums,
  featureStatistics,
  featureSums,
  frechetDistance,
  inceptionScoreFromSums,
  inceptionScoreSums,
  mergeClipScoreSums,
  mergeFeatureSums,
  statisticsFromSums,
} from '@scorekit/metrics';
import { loadMetricSums, saveMetricSums } from '@scorekit/metrics/node';
import type { ClipScoreSums, FeatureExtractor, FeatureStatistics, FeatureSums, FlatFeatures, InceptionScoreSums, MetricSums } from '@scorekit/metrics';
import * as tf from '@tensorflow/tfjs-core';
import * as nodePath from 'node:path';
import { CliError } from '../errors.js';
import { runTask, readNpyFile } from '../io.js';
import type { ConfigProblem } from '../errors.js';
import type { EvalArray, EvalFeatureSpec } from './evalSources.js';
import { createEvalExtractor, readEvalArray, toFeatures } from './evalSources.js';

/** The `eval` flags sharded evaluation reads (the rest go to eval's own validation). */
export interface EvalShardOptions {
  readonly metric?: string;
  readonly real?: string;
  readonly fake?: string;
  readonly texts?: string;
  readonly features?: string;
  readonly out?: string;
  /** Write this shard's mergeable result instead of a metric: sums (.json: fid, is, clip) or features (.npy: kid, pr, prdc). */
  readonly statsOut?: string;
  /** Merge the shards' --stats-out files into the metric. */
  readonly merge?: readonly string[];
}

const SUMS_METRICS = ['fid', 'is', 'clip'];

/** What sharded evaluation reads of eval's validated settings. */
export interface ShardSettings {
  readonly metric: string;
  readonly fake: string;
  readonly real?: string;
  readonly texts?: string;
  readonly features?: EvalFeatureSpec;
  readonly count?: number;
  readonly batchSize: number;
}

/**
 * The parts of `scorekit eval` that sharded evaluation reuses, passed in (eval.ts imports this file, so this file
 * must not import eval.ts): its flag validation and its metric computation.
 */
export interface EvalCore<O extends EvalShardOptions, S extends ShardSettings> {
  readonly parseEvalOptions: (o: O) => E.Either<ConfigProblem[], S>;
  readonly computeMetric: (s: S, real: FlatFeatures | undefined, fake: FlatFeatures, texts: EvalArray | undefined) => Record<string, number>;
}

/** A merged metric, in the shape `eval --json` prints. */
export interface ShardEvalResult<M extends string> {
  readonly metric: M;
  readonly values: Readonly<Record<string, number>>;
  readonly real?: { readonly source: string; readonly n: number };
  readonly fake: { readonly source: string; readonly n: number };
  readonly dim: number;
  readonly features: string;
  readonly settings: Readonly<Record<string, number>>;
}

/**
 * `scorekit eval --stats-out` (one shard: its sums or features) and `scorekit eval --merge` (the metric of all
 * shards). FID, IS and CLIP score merge exactly from float64 sums; KID and precision/recall concatenate features.
 *
 * @example
 * await runEvalShards({ metric: 'fid', fake: 'shard-0.npy', statsOut: 'shard-0.json' }, { parseEvalOptions, computeMetric });
 * await runEvalShards({ metric: 'fid', real: 'real.npy', merge: ['shard-0.json', 'shard-1.json'] }, { parseEvalOptions, computeMetric });
 */
export async function runEvalShards<O extends EvalShardOptions, S extends ShardSettings>(
  o: O,
  core: EvalCore<O, S>,
): Promise<ShardEvalResult<S['metric']> | { readonly statsOut: string; readonly metric: string; readonly n: number }> {
  if (o.statsOut !== undefined && o.merge !== undefined) throw new CliError('give --stats-out (one shard) or --merge (all shards), not both');
  const metric = o.metric ?? '';
  const sums = SUMS_METRICS.includes(metric);
  if (o.statsOut !== undefined) {
    const ext = sums ? '.json' : '.npy';
    if (!o.statsOut.toLowerCase().endsWith(ext)) {
      throw new CliError(`--stats-out for --metric ${metric || '?'} must be a ${ext} file (${sums ? 'mergeable sums' : 'the features, gathered at merge'}), got '${o.statsOut}'`);
    }
    if (o.out !== undefined) throw new CliError('--out writes a metric result; a --stats-out shard has none (merge the shards for it)');
    if (metric === 'clip' && o.features !== undefined) throw new CliError('--stats-out for clip takes embeddings: --fake image embeddings and --texts text embeddings, not --features');
    // --real is not read for a shard: validate the other flags as if it were given where the metric needs it
    const s = settingsOf(core, { ...o, ...(['fid', 'kid', 'pr', 'prdc'].includes(metric) ? { real: o.real ?? '(not read)' } : {}) });
    return writeShard(s, o.statsOut);
  }
  const files = o.merge ?? [];
  if (files.length === 0) throw new CliError('--merge needs at least one shard file (what --stats-out wrote)');
  if (o.fake !== undefined) throw new CliError('--merge replaces --fake: the shards are the generated set');
  const s = settingsOf(core, { ...o, fake: '(merged shards)', ...(metric === 'clip' ? { texts: '(in the sums)' } : {}) });
  if (!sums && s.features !== undefined) throw new CliError(`--merge for --metric ${metric} gathers features: pass --real as features too (make them with --stats-out), without --features`);
  const source = files.join(' + ');
  if (sums) {
    const shards: MetricSums[] = [];
    for (const f of files) {
      const r = await loadMetricSums(f)();
      if (E.isLeft(r)) throw new CliError(`--merge ${f}: ${r.left.problems.join('; ')}`);
      if (r.right.metric !== metric) throw new CliError(`--merge ${f} holds ${r.right.metric} sums; --metric is ${metric}`);
      shards.push(r.right);
    }
    const n = shards.reduce((a, b) => a + b.n, 0);
    const base = { metric: s.metric, fake: { source, n }, settings: {} as Record<string, number> };
    try {
      if (s.metric === 'fid') {
        const merged = mergeFeatureSums(shards as FeatureSums[]);
        const real = await realStatistics(s, merged.d);
        return { ...base, values: { fid: frechetDistance(real.stats, statisticsFromSums(merged)) }, real: { source: real.source, n: real.stats.n }, dim: merged.d, features: real.features };
      }
      if (s.metric === 'is') {
        const v = inceptionScoreFromSums(shards as InceptionScoreSums[]);
        return { ...base, values: { mean: v.mean, std: v.std }, dim: (shards[0] as InceptionScoreSums).classes, features: 'class probabilities (sums)', settings: { splits: shards.length } };
      }
      const v = clipScoreFromSums(mergeClipScoreSums(shards as ClipScoreSums[]));
      return { ...base, values: { clip: v.clip, clipHessel: v.clipHessel }, dim: 0, features: 'embeddings (sums)' };
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`--merge: ${(e as Error).message}`);
    }
  }
  const parts = [];
  for (const f of files) parts.push(await runTask(readNpyFile(f, '--merge')));
  const d = parts[0]!.shape[1];
  const bad = parts.findIndex((p) => p.shape.length !== 2 || p.shape[1] !== d);
  if (bad >= 0) throw new CliError(`--merge ${files[bad]} has shape [${parts[bad]!.shape.join(', ')}]; every shard must hold features [n, ${d}]`);
  const n = parts.reduce((a, p) => a + p.shape[0]!, 0);
  const data = new Float32Array(n * d!);
  let at = 0;
  for (const p of parts) {
    data.set(p.data as Float32Array, at);
    at += p.data.length;
  }
  const realArray = await readEvalArray(s.real as string, '--real', s.count);
  const real = await toFeatures(realArray, undefined, '--real', s.batchSize, () => undefined);
  const fake: FlatFeatures = { data, shape: [n, d!] };
  return {
    metric: s.metric,
    values: core.computeMetric(s, real, fake, undefined),
    real: { source: realArray.source, n: real.shape[0] },
    fake: { source, n },
    dim: d!,
    features: 'gathered shard features',
    settings: {},
  };
}

function settingsOf<O extends EvalShardOptions, S extends ShardSettings>(core: EvalCore<O, S>, o: O): S {
  const parsed = core.parseEvalOptions(o);
  if (E.isLeft(parsed)) throw CliError.fromProblems('Invalid eval options', parsed.left);
  return parsed.right;
}

async function writeShard(s: ShardSettings, path: string): Promise<{ statsOut: string; metric: string; n: number }> {
  const array = await readEvalArray(s.fake, '--fake', s.count);
  const extractor = s.features !== undefined ? await createEvalExtractor(s.features, array.shape.slice(1), s.metric === 'is' ? 'probabilities' : 'features') : undefined;
  let fake: FlatFeatures;
  try {
    fake = await toFeatures(array, extractor, '--fake', s.batchSize, () => undefined);
  } finally {
    extractor?.dispose();
  }
  await ensureDir(nodePath.dirname(nodePath.resolve(path)));
  const n = fake.shape[0];
  try {
    if (s.metric === 'fid' || s.metric === 'is' || s.metric === 'clip') {
      let sums: MetricSums;
      if (s.metric === 'fid') sums = { metric: 'fid', ...featureSums(fake) };
      else if (s.metric === 'is') sums = { metric: 'is', ...inceptionScoreSums(fake) };
      else {
        const t = await readEvalArray(s.texts as string, '--texts', s.count);
        if (t.shape.length !== 2) throw new CliError(`--texts must be text embeddings [n, d]; got shape [${t.shape.join(', ')}]`);
        sums = { metric: 'clip', ...clipScoreSums(fake, { data: t.data, shape: [t.shape[0]!, t.shape[1]!] }) };
      }
      const r = await saveMetricSums(path, sums)();
      if (E.isLeft(r)) throw new CliError(`Cannot write --stats-out ${path}: ${r.left.problems.join('; ')}`, 1);
    } else {
      const t = tf.tensor2d(fake.data instanceof Float32Array ? fake.data : Float32Array.from(fake.data), [n, fake.shape[1]]);
      try {
        await saveNpy(path, t);
      } finally {
        t.dispose();
      }
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`--metric ${s.metric}: ${(e as Error).message}`);
  }
  return { statsOut: path, metric: s.metric, n };
}

/** The reference statistics for a merged FID: a sums .json (real data sharded too) or features/images as usual. */
async function realStatistics(s: ShardSettings, d: number): Promise<{ stats: FeatureStatistics; source: string; features: string }> {
  const path = s.real as string;
  let stats: FeatureStatistics;
  let features = 'none (arrays are features)';
  if (path.toLowerCase().endsWith('.json')) {
    const r = await loadMetricSums(path)();
    if (E.isLeft(r)) throw new CliError(`--real ${path}: ${r.left.problems.join('; ')}`);
    if (r.right.metric !== 'fid') throw new CliError(`--real ${path} holds ${r.right.metric} sums; FID needs fid sums`);
    stats = statisticsFromSums(r.right);
    features = 'fid sums';
  } else {
    const array = await readEvalArray(path, '--real', s.count);
    let extractor: FeatureExtractor | undefined;
    if (s.features !== undefined) extractor = await createEvalExtractor(s.features, array.shape.slice(1));
    try {
      stats = featureStatistics(await toFeatures(array, extractor, '--real', s.batchSize, () => undefined));
      features = extractor?.name ?? features;
    } finally {
      extractor?.dispose();
    }
  }
  if (stats.d !== d) throw new CliError(`--real has ${stats.d} features per sample but the shards have ${d}; they must match`);
  return { stats, source: path, features };
}
