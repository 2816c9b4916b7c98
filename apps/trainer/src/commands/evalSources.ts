import * as tf from '@tensorflow/tfjs-core';
import { loadFashionMnist, loadMnist } from '@scorekit/data/node';
import type { ImageDataset } from '@scorekit/data';
import { createExtractor, extractorNames, identityExtractor } from '@scorekit/metrics';
import type { ClassifierOutput, FeatureExtractor, FlatFeatures } from '@scorekit/metrics';
import { CliError } from '../errors.js';
import { checkDataValues } from '../imageValues.js';
import { readNpyFile, runTask } from '../io.js';

/** The dataset names `--real`/`--fake` accept after `dataset:`. */
export const EVAL_DATASETS = ['mnist', 'mnist:train', 'mnist:test', 'mnist:all', 'fashion-mnist', 'fashion-mnist:train', 'fashion-mnist:test'] as const;

/** The `--features` forms. */
export const EVAL_FEATURE_FORMS = ['identity', 'classifier:<dir>', 'clip:<dir>', 'tfjs:<model.json>#<layer>'] as const;

/** An array read for `eval`: flat float values with their shape (rank 2 = features, rank 3/4 = images). */
export interface EvalArray {
  readonly data: Float32Array | Float64Array;
  readonly shape: readonly number[];
  /** Where it came from, for messages. */
  readonly source: string;
}

/** A parsed `--features` value. */
export type EvalFeatureSpec =
  | { readonly kind: 'identity' }
  | { readonly kind: 'classifier' | 'clip'; readonly path: string }
  | { readonly kind: 'tfjs'; readonly path: string; readonly layer?: string };

/**
 * Parses `--features`: `identity`, `classifier:<dir>`, `clip:<dir>` (the image tower of a dual encoder) or
 * `tfjs:<model.json>[#<layer>]`. Returns an error message (with the allowed forms) for anything else.
 */
export function parseFeatureSpec(value: string): EvalFeatureSpec | string {
  if (value === 'identity') return { kind: 'identity' };
  const colon = value.indexOf(':');
  const kind = colon < 0 ? value : value.slice(0, colon);
  const rest = colon < 0 ? '' : value.slice(colon + 1);
  if (kind === 'classifier' || kind === 'clip') {
    return rest === '' ? `'${value}' needs a folder after '${kind}:'` : { kind, path: rest };
  }
  if (kind === 'tfjs') {
    const hash = rest.lastIndexOf('#');
    const path = hash < 0 ? rest : rest.slice(0, hash);
    const layer = hash < 0 ? '' : rest.slice(hash + 1);
    if (path === '') return `'${value}' needs a model path after 'tfjs:'`;
    return layer === '' ? { kind, path } : { kind, path, layer };
  }
  return `unknown feature extractor '${value}'`;
}

/**
 * Reads `--real`/`--fake`/`--texts`: a `.npy` file, or `dataset:<name>` (MNIST from the `mnist` package: its
 * training split, `:test` the 1,996 digits held out of training, `:all` the 10,000; Fashion-MNIST from
 * /usr/share/datasets/fashion-mnist, `:test` its own t10k files), optionally only the first `count` samples.
 */
export async function readEvalArray(value: string, flag: string, count: number | undefined): Promise<EvalArray> {
  let array: EvalArray;
  if (value.startsWith('dataset:')) {
    const name = value.slice('dataset:'.length);
    let data: ImageDataset;
    try {
      if (name === 'mnist' || name === 'mnist:train') data = await loadMnist({ split: 'train' });
      else if (name === 'mnist:test') data = await loadMnist({ split: 'test' });
      else if (name === 'mnist:all') data = await loadMnist({ split: 'all' });
      else if (name === 'fashion-mnist' || name === 'fashion-mnist:train') data = await loadFashionMnist({ split: 'train' });
      else if (name === 'fashion-mnist:test') data = await loadFashionMnist({ split: 'test' });
      else throw new CliError(`${flag}: unknown dataset '${name}' (allowed: ${EVAL_DATASETS.map((d) => `dataset:${d}`).join(', ')})`);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`${flag} ${value}: ${(e as Error).message}`);
    }
    array = { data: data.images, shape: data.shape, source: value };
  } else {
    const npy = await runTask(readNpyFile(value, flag));
    const data = npy.data instanceof Float32Array || npy.data instanceof Float64Array ? npy.data : toFloat64(npy.data, flag, value);
    array = { data, shape: npy.shape, source: value };
  }
  if (array.shape.length < 2 || array.shape.length > 4) {
    throw new CliError(
      `${flag} ${value} has shape [${array.shape.join(', ')}]; expected features [n, d] or images [n, h, w] / [n, h, w, c]`,
    );
  }
  // Checked as soon as read, before any extractor is loaded: images (rank 3 or 4) must be in [−1, 1].
  checkDataValues(array.data, array.shape, `${flag} ${value}`, { images: array.shape.length >= 3 });
  const n = array.shape[0];
  if (count === undefined || count >= n) return array;
  const per = array.data.length / n;
  return { data: array.data.subarray(0, count * per), shape: [count, ...array.shape.slice(1)], source: array.source };
}

function toFloat64(data: ArrayLike<number | bigint>, flag: string, path: string): Float64Array {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  if (ArrayBuffer.isView(data)) return Float64Array.from(data as ArrayLike<number>);
  throw new CliError(`${flag} ${path}: unsupported .npy dtype`);
}

/** Creates the extractor named by a parsed `--features` spec for images shaped like `sample`. */
export async function createEvalExtractor(
  spec: EvalFeatureSpec,
  sampleShape: readonly number[],
  output: ClassifierOutput = 'features',
): Promise<FeatureExtractor> {
  try {
    if (spec.kind === 'identity') return identityExtractor({ dim: sampleShape.reduce((a, b) => a * b, 1) });
    if (spec.kind === 'tfjs') {
      return await createExtractor('tfjs-model', spec.layer !== undefined ? { path: spec.path, layer: spec.layer } : { path: spec.path });
    }
    if (!extractorNames().includes(spec.kind)) {
      throw new Error(`this build of @scorekit/metrics has no '${spec.kind}' extractor; registered: ${extractorNames().join(', ')}`);
    }
    return await createExtractor(spec.kind, spec.kind === 'classifier' ? { path: spec.path, output } : { path: spec.path });
  } catch (e) {
    throw new CliError(`--features: ${(e as Error).message}`);
  }
}

/**
 * The n × d features of an array: rank-2 arrays pass through (unless an extractor is given, which then sees them
 * as [n, d] inputs); images go through the extractor batch by batch, each batch reported to `onProgress`.
 */
export async function toFeatures(
  array: EvalArray,
  extractor: FeatureExtractor | undefined,
  flag: string,
  batchSize: number,
  onProgress: (done: number, total: number | undefined) => void,
): Promise<FlatFeatures> {
  if (extractor === undefined) {
    if (array.shape.length !== 2) {
      throw new CliError(
        `${flag} ${array.source} holds images of shape [${array.shape.join(', ')}]; pass --features to turn them into ` +
          `feature vectors (allowed: ${EVAL_FEATURE_FORMS.join(', ')})`,
      );
    }
    return { data: array.data, shape: [array.shape[0], array.shape[1]] };
  }
  const shape = array.shape.length === 3 ? [...array.shape, 1] : [...array.shape];
  const images = tf.tensor(array.data instanceof Float32Array ? array.data : Float32Array.from(array.data), shape, 'float32');
  try {
    return await extractor.extract(images, { batchSize, onProgress });
  } catch (e) {
    throw new CliError(`${flag}: feature extraction with ${extractor.name} failed: ${(e as Error).message}`);
  } finally {
    images.dispose();
  }
}
