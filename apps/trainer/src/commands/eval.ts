import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { wasmThreadsReady } from '@scorekit/core';
import { clipScore, fid, inceptionScore, kernelInceptionDistance, prdc, precisionRecall } from '@scorekit/metrics';
import { loadDualEncoder } from '@scorekit/metrics/node';
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureExtractor, FlatFeatures } from '@scorekit/metrics';
import { THREAD_COUNTS, THREADS_HELP, useBackend, useThreads } from '../backend.js';
import { CliError, problem } from '../errors.js';
import { checkOutputFile } from '../outputPath.js';
import { SEED_LIMIT } from '../seeds.js';
import type { ConfigProblem } from '../errors.js';
import { runTask, writeFileTask } from '../io.js';
import { createEvalProgress } from './evalProgress.js';
import { createEvalExtractor, EVAL_FEATURE_FORMS, parseFeatureSpec, readEvalArray, toFeatures } from './evalSources.js';
import type { EvalArray, EvalFeatureSpec } from './evalSources.js';
import { runEvalShards } from './evalShards.js';
import type { EvalShardOptions, ShardEvalResult } from './evalShards.js';

/** The metrics `scorekit eval --metric` accepts. */
export const EVAL_METRICS = ['fid', 'kid', 'pr', 'prdc', 'is', 'clip'] as const;
export type EvalMetric = (typeof EVAL_METRICS)[number];

/** The flags of `scorekit eval`, as commander hands them over (strings until validated). */
export interface EvalCommandOptions {
  readonly metric?: string;
  readonly real?: string;
  readonly fake?: string;
  readonly texts?: string;
  readonly captions?: string;
  readonly features?: string;
  readonly k?: string;
  readonly subsets?: string;
  readonly subsetSize?: string;
  readonly splits?: string;
  readonly seed?: string;
  readonly count?: string;
  readonly batchSize?: string;
  readonly json?: boolean;
  readonly out?: string;
  readonly backend?: string;
  readonly threads?: string;
}

/** Validated `eval` settings. */
export interface EvalSettings {
  readonly metric: EvalMetric;
  readonly real?: string;
  readonly fake: string;
  readonly texts?: string;
  readonly captions?: string;
  readonly features?: EvalFeatureSpec;
  readonly k?: number;
  readonly subsets?: number;
  readonly subsetSize?: number;
  readonly splits?: number;
  readonly seed: number;
  readonly count?: number;
  readonly batchSize: number;
}

/**
 * What `eval` prints with `--json` and writes to `--out`: `values` holds `fid`; `mean`/`std` (kid, is);
 * `precision`/`recall` (+ `density`/`coverage`); `clip`. One shape with the merged shards' result.
 */
export type EvalResult = ShardEvalResult<EvalMetric>;

/**
 * Checks the `eval` flags all at once: every problem (unknown metric, missing or superfluous inputs, bad numbers,
 * unknown extractor) is reported together with the allowed values.
 *
 * @example
 * parseEvalOptions({ metric: 'fid', real: 'a.npy', fake: 'b.npy' }); // Right({ metric: 'fid', … })
 */
export function parseEvalOptions(o: EvalCommandOptions): E.Either<ConfigProblem[], EvalSettings> {
  const problems: ConfigProblem[] = [];
  const metric = o.metric as EvalMetric;
  if (o.metric === undefined) problems.push(...problem('--metric', 'is required', EVAL_METRICS));
  else if (!EVAL_METRICS.includes(metric)) problems.push(...problem('--metric', `unknown metric '${o.metric}'`, EVAL_METRICS));
  const known = EVAL_METRICS.includes(metric);
  const needsReal = known && metric !== 'is' && metric !== 'clip';
  if (o.fake === undefined) problems.push(...problem('--fake', 'is required (a .npy file or dataset:<name>)'));
  if (needsReal && o.real === undefined) problems.push(...problem('--real', `is required for --metric ${metric}`));
  if (known && !needsReal && o.real !== undefined) {
    problems.push(...problem('--real', `is not used by --metric ${metric}; ${metric === 'is' ? 'IS takes only --fake (class probabilities, or images with --features classifier:<dir>)' : 'CLIP score takes --fake (image embeddings) and --texts'}`));
  }
  if (o.threads !== undefined && !(THREAD_COUNTS as readonly string[]).includes(o.threads)) {
    problems.push(...problem('--threads', `must be 1 or 2, got '${o.threads}'`, THREAD_COUNTS));
  }
  const clipImages = metric === 'clip' && o.features !== undefined;
  if (metric === 'clip' && !clipImages && o.texts === undefined) {
    problems.push(...problem('--texts', 'is required for --metric clip on embeddings (text embeddings, .npy [n, d]); or pass images with --features clip:<dir> --captions <file>'));
  }
  if (clipImages && o.captions === undefined) problems.push(...problem('--captions', 'is required with --metric clip --features clip:<dir> (a text file, one caption per image, or one for all)'));
  if (clipImages && o.texts !== undefined) problems.push(...problem('--texts', 'takes text embeddings; with --features clip:<dir> pass --captions instead'));
  if (known && metric !== 'clip' && o.texts !== undefined) problems.push(...problem('--texts', 'is only used by --metric clip'));
  if (o.captions !== undefined && !clipImages) problems.push(...problem('--captions', 'is only used by --metric clip with --features clip:<dir>'));
  let features: EvalFeatureSpec | undefined;
  if (o.features !== undefined) {
    const spec = parseFeatureSpec(o.features);
    if (typeof spec === 'string') problems.push(...problem('--features', spec, EVAL_FEATURE_FORMS));
    else features = spec;
    if (metric === 'is' && typeof spec !== 'string' && spec.kind !== 'classifier' && spec.kind !== 'tfjs') {
      problems.push(...problem('--features', `--metric is needs class probabilities: a classifier, or a tfjs model's softmax layer, not '${o.features}'`, ['classifier:<dir>', 'tfjs:<model.json>#<layer>']));
    }
    if (metric === 'clip' && typeof spec !== 'string' && spec.kind !== 'clip') {
      problems.push(...problem('--features', `--metric clip on images needs a dual encoder, not '${o.features}'`, ['clip:<dir>']));
    }
  }
  const int = (flag: string, value: string | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    const v = Number(value);
    if (!Number.isInteger(v) || v < min) {
      problems.push(...problem(flag, `must be an integer ≥ ${min}, got '${value}'`));
      return undefined;
    }
    return v;
  };
  const k = int('--k', o.k, 1);
  if (k !== undefined && known && !['pr', 'prdc'].includes(metric)) problems.push(...problem('--k', 'is only used by --metric pr and prdc'));
  const subsets = int('--subsets', o.subsets, 1);
  const subsetSize = int('--subset-size', o.subsetSize, 2);
  if ((subsets !== undefined || subsetSize !== undefined) && known && metric !== 'kid') {
    problems.push(...problem('--subsets/--subset-size', 'are only used by --metric kid'));
  }
  const splits = int('--splits', o.splits, 1);
  if (splits !== undefined && known && metric !== 'is') problems.push(...problem('--splits', 'is only used by --metric is'));
  const seed = int('--seed', o.seed, 0) ?? 0;
  if (seed >= SEED_LIMIT) problems.push(...problem('--seed', `must be an integer in [0, ${SEED_LIMIT - 1}], got ${seed} (seeds are 32-bit)`));
  const count = int('--count', o.count, 1);
  const batchSize = int('--batch-size', o.batchSize, 1) ?? 100;
  if (problems.length > 0) return E.left(problems);
  return E.right({
    metric,
    fake: o.fake as string,
    seed,
    batchSize,
    ...(o.real !== undefined ? { real: o.real } : {}),
    ...(o.texts !== undefined ? { texts: o.texts } : {}),
    ...(o.captions !== undefined ? { captions: o.captions } : {}),
    ...(features !== undefined ? { features } : {}),
    ...(k !== undefined ? { k } : {}),
    ...(subsets !== undefined ? { subsets } : {}),
    ...(subsetSize !== undefined ? { subsetSize } : {}),
    ...(splits !== undefined ? { splits } : {}),
    ...(count !== undefined ? { count } : {}),
  });
}

/** Where `runEval` reports: progress lines and notes (stderr by default). */
export interface EvalIo {
  readonly log?: (line: string) => void;
  /** Progress lines of feature extraction; default a bar (TTY) or periodic lines on stderr. */
  readonly progressLine?: (line: string) => void;
}

/**
 * Runs `scorekit eval`: reads the inputs (.npy or `dataset:<name>`), extracts features when `--features` is given
 * (with a progress display), computes the metric and returns its numbers. Bad input throws a `CliError`.
 *
 * @example
 * const r = await runEval({ metric: 'fid', real: 'real.npy', fake: 'fake.npy' }); // r.values.fid
 */
export async function runEval(options: EvalCommandOptions, io: EvalIo = {}): Promise<EvalResult> {
  const parsed = parseEvalOptions(options);
  if (E.isLeft(parsed)) throw CliError.fromProblems('Invalid eval options', parsed.left);
  const s = parsed.right;
  const log = io.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const fakeArray = await readEvalArray(s.fake, '--fake', s.count);
  const realArray = s.real !== undefined ? await readEvalArray(s.real, '--real', s.count) : undefined;
  if (s.metric === 'clip' && s.features?.kind === 'clip') return clipOnImages(s, s.features.path, fakeArray, log, io.progressLine);
  const textArray = s.texts !== undefined ? await readEvalArray(s.texts, '--texts', s.count) : undefined;
  if (realArray !== undefined && s.features !== undefined) {
    const a = realArray.shape.slice(1).join(' × ');
    const b = fakeArray.shape.slice(1).join(' × ');
    const rank3 = (x: EvalArray): string => (x.shape.length === 3 ? `${x.shape.slice(1).join(' × ')} × 1` : x.shape.slice(1).join(' × '));
    if (a !== b && rank3(realArray) !== rank3(fakeArray)) {
      throw new CliError(`--real samples are ${a} but --fake samples are ${b}; both sets must have the same sample shape`);
    }
  }
  let extractor: FeatureExtractor | undefined;
  if (s.features !== undefined) {
    // IS reads class probabilities; every other metric reads features.
    extractor = await createEvalExtractor(s.features, fakeArray.shape.slice(1), s.metric === 'is' ? 'probabilities' : 'features');
  }
  try {
    const features = async (array: EvalArray, flag: string): Promise<FlatFeatures> => {
      const progress = createEvalProgress(`features ${flag.slice(2)}`, io.progressLine !== undefined ? { write: io.progressLine } : {});
      try {
        return await toFeatures(array, extractor, flag, s.batchSize, progress.onProgress);
      } finally {
        progress.stop();
      }
    };
    const fake = await features(fakeArray, '--fake');
    const real = realArray !== undefined ? await features(realArray, '--real') : undefined;
    if (real !== undefined && real.shape[1] !== fake.shape[1]) {
      throw new CliError(`--real has ${real.shape[1]} features per sample but --fake has ${fake.shape[1]}; they must match`);
    }
    const values = computeMetric(s, real, fake, textArray);
    const settings: Record<string, number> = {};
    if (s.metric === 'pr' || s.metric === 'prdc') settings.k = s.k ?? (s.metric === 'pr' ? 3 : 5);
    if (s.metric === 'kid') Object.assign(settings, { subsets: s.subsets ?? 100, subsetSize: s.subsetSize ?? 1000, seed: s.seed });
    if (s.metric === 'is') settings.splits = s.splits ?? 10;
    if (s.metric === 'fid' && real !== undefined && real.shape[0] !== fake.shape[0]) {
      log(`note: FID is biased in n; --real has ${real.shape[0]} samples and --fake ${fake.shape[0]} — compare FIDs only at equal n`);
    }
    return {
      metric: s.metric,
      values,
      ...(real !== undefined && realArray !== undefined ? { real: { source: realArray.source, n: real.shape[0] } } : {}),
      fake: { source: fakeArray.source, n: fake.shape[0] },
      dim: fake.shape[1],
      features: extractor?.name ?? 'none (arrays are features)',
      settings,
    };
  } finally {
    extractor?.dispose();
  }
}

/** The metric's numbers from validated settings and features (real is undefined only for is and clip). */
export function computeMetric(
  s: EvalSettings,
  real: FlatFeatures | undefined,
  fake: FlatFeatures,
  texts: EvalArray | undefined,
): Record<string, number> {
  const r = real as FlatFeatures;
  try {
    switch (s.metric) {
      case 'fid':
        return { fid: fid(r, fake) };
      case 'kid': {
        const kid = kernelInceptionDistance(r, fake, {
          seed: s.seed,
          ...(s.subsets !== undefined ? { subsets: s.subsets } : {}),
          ...(s.subsetSize !== undefined ? { subsetSize: s.subsetSize } : {}),
        });
        return { mean: kid.mean, std: kid.std };
      }
      case 'pr': {
        const pr = precisionRecall(r, fake, s.k !== undefined ? { k: s.k } : {});
        return { precision: pr.precision, recall: pr.recall };
      }
      case 'prdc': {
        const v = prdc(r, fake, s.k !== undefined ? { k: s.k } : {});
        return { precision: v.precision, recall: v.recall, density: v.density, coverage: v.coverage };
      }
      case 'is': {
        const v = inceptionScore(fake, s.splits !== undefined ? { splits: s.splits } : {});
        return { mean: v.mean, std: v.std };
      }
      case 'clip': {
        const t = texts as EvalArray;
        if (t.shape.length !== 2) throw new Error(`--texts must be text embeddings [n, d]; got shape [${t.shape.join(', ')}]`);
        const pair = { data: t.data, shape: [t.shape[0], t.shape[1]] as const };
        return { clip: clipScore(fake, pair), clipHessel: clipScore(fake, pair, { style: 'hessel' }) };
      }
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`--metric ${s.metric}: ${(e as Error).message}`);
  }
}

async function clipOnImages(
  s: EvalSettings,
  dir: string,
  images: EvalArray,
  log: (line: string) => void,
  progressLine: ((line: string) => void) | undefined,
): Promise<EvalResult> {
  let text: string;
  try {
    text = await fs.readFile(s.captions as string, 'utf8');
  } catch (e) {
    throw new CliError(`Cannot read --captions file ${s.captions}: ${(e as Error).message}`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const n = images.shape[0];
  if (lines.length !== 1 && lines.length !== n) {
    throw new CliError(`--captions ${s.captions} has ${lines.length} captions; expected 1 (for every image) or ${n} (one per image)`);
  }
  const captions = lines.length === 1 ? new Array<string>(n).fill(lines[0]) : lines;
  let encoder;
  try {
    encoder = await loadDualEncoder(dir);
  } catch (e) {
    throw new CliError(`--features clip:${dir}: ${(e as Error).message}`);
  }
  try {
    const shape = images.shape.length === 3 ? [...images.shape, 1] : [...images.shape];
    const x = tf.tensor(images.data instanceof Float32Array ? images.data : Float32Array.from(images.data), shape, 'float32');
    const progress = createEvalProgress('clip images', progressLine !== undefined ? { write: progressLine } : {});
    let img;
    try {
      img = await encoder.encodeImages(x, { batchSize: s.batchSize, onProgress: progress.onProgress });
    } catch (e) {
      throw new CliError(`--fake: ${(e as Error).message}`);
    } finally {
      progress.stop();
      x.dispose();
    }
    const txt = await encoder.encodeTexts(captions);
    log(`clip: ${n} images of ${images.source} against ${lines.length === 1 ? `"${lines[0]}"` : `${n} captions`}`);
    return {
      metric: 'clip',
      values: { clip: clipScore(img, txt), clipHessel: clipScore(img, txt, { style: 'hessel' }) },
      fake: { source: images.source, n },
      dim: encoder.embedDim,
      features: `clip:${dir}`,
      settings: {},
    };
  } finally {
    encoder.dispose();
  }
}

/** One line per number, e.g. `fid 12.345678`, for the terminal. */
export function formatEvalResult(r: EvalResult): string {
  const head = `${r.metric} on ${r.real !== undefined ? `${r.real.source} (${r.real.n}) vs ` : ''}${r.fake.source} (${r.fake.n}), ` +
    `${r.dim}-dimensional features: ${r.features}`;
  const lines = Object.entries(r.values).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(8)}`);
  return [head, ...lines].join('\n');
}

/**
 * Registers `scorekit eval`.
 *
 * @example
 * registerEvalCommand(program); // scorekit eval --metric fid --real a.npy --fake b.npy --json
 */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'Compute a metric (fid, kid, pr, prdc, is, clip) on feature arrays (.npy [n, d]) or on images ' +
        '(dataset:mnist, dataset:fashion-mnist, .npy [n, h, w, c] in [-1, 1]) through --features.',
    )
    .option('--metric <name>', `the metric: ${EVAL_METRICS.join(', ')}`)
    .option('--real <source>', 'reference set: .npy file or dataset:<mnist|fashion-mnist[:test]>')
    .option('--fake <source>', 'generated set (for is: class probabilities; for clip: image embeddings)')
    .option('--texts <file>', 'clip: text embeddings .npy [n, d], row i paired with --fake row i')
    .option('--captions <file>', 'clip with --features clip:<dir>: captions, one per line (one line: for every image)')
    .option('--features <extractor>', `turn images into features first: ${EVAL_FEATURE_FORMS.join(', ')}`)
    .option('--k <k>', 'pr/prdc: neighbours (default 3 for pr, 5 for prdc)')
    .option('--subsets <m>', 'kid: number of random subsets (default 100)')
    .option('--subset-size <s>', 'kid: samples per subset (default 1000)')
    .option('--splits <s>', 'is: contiguous splits (default 10)')
    .option('--seed <seed>', 'kid: seed of the subset draws (default 0)')
    .option('--count <n>', 'use only the first n samples of each input')
    .option('--batch-size <b>', 'images per forward pass of the extractor (default 100)')
    .option('--backend <name>', 'TensorFlow.js backend (default: fastest available)')
    .option('--threads <n>', THREADS_HELP)
    .option('--json', 'print the result as JSON on stdout')
    .option('--out <file>', 'also write the JSON result to this file (atomically)')
    .option('--stats-out <file>', 'one shard: write its mergeable sums (.json: fid, is, clip) or features (.npy: kid, pr, prdc) instead of a metric')
    .option('--merge <files...>', 'the metric of all shards from their --stats-out files (in place of --fake)')
    .action(async (options: EvalCommandOptions & EvalShardOptions) => {
      if (options.statsOut !== undefined || options.merge !== undefined) {
        await useBackend(options.backend);
        const result = await runEvalShards(options, { parseEvalOptions, computeMetric });
        const json = JSON.stringify(result, null, 2);
        process.stdout.write(`${options.json === true || !('values' in result) ? json : formatEvalResult(result)}\n`);
        if (options.out !== undefined) await runTask(writeFileTask(options.out, `${json}\n`));
        return;
      }
      const parsed = parseEvalOptions(options);
      if (E.isLeft(parsed)) throw CliError.fromProblems('Invalid eval options', parsed.left);
      // The output path is checked before the (possibly long) metric, not after it.
      if (options.out !== undefined) await checkOutputFile(options.out, '--out');
      await useBackend(options.backend);
      await useThreads(options.threads);
      // the metrics' distance and covariance products use the worker by default: let it come up first
      await wasmThreadsReady();
      const result = await runEval(options);
      const json = JSON.stringify(result, null, 2);
      process.stdout.write(`${options.json === true ? json : formatEvalResult(result)}\n`);
      if (options.out !== undefined) await runTask(writeFileTask(options.out, `${json}\n`));
    });
}
