import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { GaussianMixture } from '@scorekit/data';
import { ExponentialMovingAverage } from '@scorekit/models';
import { readCheckpoint, restoreCheckpoint } from '@scorekit/models/node';
import { conditionalMixtureDenoiser } from '@scorekit/guidance';
import { SDE_NAMES, createSde, denoiserFromScore, scoreOf } from '@scorekit/sde';
import type { Denoiser, ScoreFn, Sde } from '@scorekit/sde';
import type { TrainConfig } from './config.js';
import { withCurrentKeys } from './savedConfig.js';
import { knownDensity } from './knownDensity.js';
import { mixtureDensity } from './png.js';
import { buildModel } from './buildModel.js';
import { CliError } from './errors.js';
import { checkDataValues } from './imageValues.js';
import { readJsonFile, runTask } from './io.js';
import { networkSize } from './memoryBudget.js';

/** Where `sample` and `likelihood` get their score from. */
/** A sampler as a training config names it: `{ name, ...options }`. */
export interface RunSamplerConfig {
  readonly name: string;
  readonly [option: string]: unknown;
}

export interface ScoreSource {
  readonly score: ScoreFn;
  /** The model as a denoiser (what samplers and guidance take): unconditional, or without labels. */
  readonly denoiser: Denoiser;
  /**
   * Classes of a class-conditional model (0 otherwise): a checkpoint trained with `conditional: true`, or an
   * analytic mixture, whose classes are its components.
   */
  readonly numClasses: number;
  /**
   * Whether `denoiser` (the model called without a class) is a trained unconditional score: always for
   * unconditional models and mixtures; for a class-conditional checkpoint only when it was trained with label
   * dropout — otherwise its "no class" input was never seen in training.
   */
  readonly unconditionalTrained: boolean;
  /** The class-conditional denoiser (labels in its call options; label numClasses = no class), where numClasses > 0. */
  readonly conditional?: Denoiser;
  /** The score for fixed per-sample class labels (int32 [n]); class-conditional sources only. */
  scoreFor(labels: tf.Tensor): ScoreFn;
  readonly sde: Sde;
  /** Shape of one data point ([2], [28, 28, 1], …). */
  readonly pointShape: readonly number[];
  /** The analytic mixture, when the score is one. */
  readonly mixture?: GaussianMixture;
  /** Whether the data are images in [−1, 1] (grid PNGs, dequantised likelihoods). */
  readonly images: boolean;
  /** The exact density of the data, where known (an analytic mixture, or a run trained on `ncsn-mixture`). */
  readonly density?: ((points: Float32Array) => Float32Array) | undefined;
  /** A checkpoint's: an estimate of the bytes its network's activations take per sample (what limits a batch). */
  readonly bytesPerSample?: number;
  /** A checkpoint's: the sampler its run drew periodic samples with, which `sample` uses when none is named. */
  readonly runSampler?: RunSamplerConfig;
  readonly description: string;
  dispose(): void;
}

/** Flags naming a score source. */
export interface ScoreSourceFlags {
  readonly checkpoint?: string;
  readonly score?: string;
  readonly sde?: string;
  readonly step?: string;
  /** commander's `--no-ema` sets `ema: false`. */
  readonly ema?: boolean;
}

/**
 * Opens the score a `sample` or `likelihood` command uses: a trained model from `--checkpoint <run folder or
 * checkpoints folder>` (EMA weights unless `--no-ema`; `--step` picks one checkpoint), or an exact Gaussian
 * mixture from `--score analytic:mixture.json` under `--sde` (default vp). Bad names and files are `CliError`s.
 *
 * @example
 * const source = await openScoreSource({ score: 'analytic:mix.json', sde: 've' });
 */
export async function openScoreSource(flags: ScoreSourceFlags): Promise<ScoreSource> {
  if ((flags.checkpoint == null) === (flags.score == null)) {
    throw new CliError('Give exactly one of --checkpoint <run folder> or --score analytic:<mixture.json>');
  }
  if (flags.score != null) return openAnalytic(flags.score, flags.sde ?? 'vp');
  return openCheckpoint(flags.checkpoint!, flags);
}

async function openAnalytic(spec: string, sdeName: string): Promise<ScoreSource> {
  if (!spec.startsWith('analytic:')) {
    throw new CliError(`--score must be analytic:<mixture.json> (a Gaussian mixture file), got '${spec}'`);
  }
  const file = spec.slice('analytic:'.length);
  const json = await runTask(readJsonFile(file, '--score'));
  let mixture: GaussianMixture;
  try {
    mixture = GaussianMixture.fromJSON(json);
  } catch (e) {
    throw new CliError(`--score file ${file} is not a valid Gaussian mixture: ${(e as Error).message}\n` +
      'Expected { "weights": [...], "means": [[...], ...], and "covariances": [[[...]]] or "stds": [...] }.');
  }
  if (!(SDE_NAMES as readonly string[]).includes(sdeName)) {
    throw new CliError(`Unknown --sde '${sdeName}'. Allowed: ${SDE_NAMES.join(', ')}`);
  }
  const sde = createSde({ name: sdeName });
  const score = mixture.scoreFn(sde);
  // The mixture's components are its classes: label k is component k's exact score, label K the whole mixture's.
  const conditional = conditionalMixtureDenoiser(mixture, sde);
  return {
    score,
    denoiser: denoiserFromScore(sde, score),
    conditional,
    density: mixtureDensity(mixture),
    numClasses: mixture.weights.length,
    unconditionalTrained: true,
    scoreFor: (labels) => scoreOf(conditional, { labels }),
    sde,
    pointShape: [mixture.dim],
    mixture,
    images: false,
    description: `analytic mixture ${file} (${mixture.weights.length} components, dim ${mixture.dim}) under the ${sdeName} SDE`,
    dispose: () => undefined,
  };
}

async function openCheckpoint(path: string, flags: ScoreSourceFlags): Promise<ScoreSource> {
  const root = await checkpointsRoot(path);
  const stepFlag = flags.step;
  let step: number | 'latest' = 'latest';
  if (stepFlag != null) {
    step = Number(stepFlag);
    if (!Number.isInteger(step) || step < 0) throw new CliError(`--step must be a checkpoint's step (an integer ≥ 0), got '${stepFlag}'`);
  }
  const info = await readCheckpoint(root, { step }).catch((e: unknown) => {
    throw new CliError(`Cannot read checkpoint in ${root}: ${(e as Error).message}`);
  });
  // Checkpoints written before `name` hold the older keys (`kind`, `parameterisation`): read under the current ones.
  const config = withCurrentKeys(info.config) as unknown as TrainConfig;
  const energyKind = (config as { name?: unknown } | null)?.name;
  if (typeof energyKind === 'string') {
    // `sample` routes energy checkpoints elsewhere first; likelihood and eval need a score model.
    throw new CliError(
      `Checkpoint ${info.path} is an energy model ('${energyKind}'), not a score model: it has no score s(x, t) for this command. ` +
        "Draw from it with 'scorekit sample'; an RBM's log-likelihood comes from AIS (packages/energy/bench/rbmMnistAis.ts).",
    );
  }
  if (config == null || typeof config !== 'object' || config.sde == null || config.network == null) {
    throw new CliError(`Checkpoint ${info.path} was not written by scorekit train (no training config inside)`);
  }
  if (flags.sde != null && flags.sde !== config.sde.name) {
    throw new CliError(`--sde ${flags.sde} does not match the checkpoint's SDE '${config.sde.name}' (leave --sde out for checkpoints)`);
  }
  const built = buildModel(config);
  const useEma = flags.ema !== false;
  const ema = useEma && info.ema != null ? new ExponentialMovingAverage(built.network.variables, { decay: info.ema.decay }) : undefined;
  await restoreCheckpoint(root, { network: built.network, ...(ema ? { ema } : {}) }, { step });
  if (ema) {
    ema.swapIn();
  }
  const pointShape = config.network.name === 'mlp' ? [Number(config.network.dim)] : imageShape(config.network);
  const numClasses = config.conditional ? Number(config.network.numClasses ?? 0) : 0;
  return {
    score: built.scoreFn(),
    denoiser: built.model,
    ...(numClasses > 0 ? { conditional: built.model } : {}),
    numClasses,
    unconditionalTrained: numClasses === 0 || Number(config.labelDropout ?? 0) > 0,
    scoreFor: (labels) => built.scoreFn(labels),
    sde: built.sde,
    pointShape,
    images: config.network.name !== 'mlp',
    bytesPerSample: 4 * networkSize(config.network).activationsPerSample,
    ...(config.sampler != null ? { runSampler: config.sampler as unknown as RunSamplerConfig } : {}),
    ...(config.network.name === 'mlp' ? { density: knownDensity(config.dataset.name) } : {}),
    description: `${info.path} (step ${info.step}, ${ema ? 'EMA' : 'raw'} weights)`,
    dispose: () => {
      ema?.dispose();
      built.network.dispose();
    },
  };
}

function imageShape(network: TrainConfig['network']): number[] {
  const s = network.imageSize as number | [number, number];
  const [h, w] = typeof s === 'number' ? [s, s] : s;
  return [h, w, Number(network.channels ?? 1)];
}

async function checkpointsRoot(path: string): Promise<string> {
  const stat = await fs.stat(path).catch(() => null);
  if (stat == null) throw new CliError(`--checkpoint ${path}: no such file or folder (give a run folder, e.g. runs/demo)`);
  const inner = nodePath.join(path, 'checkpoints');
  if (await fs.stat(inner).then((s) => s.isDirectory(), () => false)) return inner;
  return path;
}

/**
 * Checks that an array loaded from a .npy has the shape [n, ...pointShape] and returns it as a tensor.
 *
 * @example
 * const x = dataTensor(await loadNpy('x.npy'), [2], '--data x.npy');
 */
export function dataTensor(array: { data: ArrayLike<number | bigint>; shape: readonly number[] }, pointShape: readonly number[], origin: string): tf.Tensor {
  const expected = `[n, ${pointShape.join(', ')}]`;
  const ok = array.shape.length === pointShape.length + 1 && pointShape.every((d, i) => array.shape[i + 1] === d) && (array.shape[0] ?? 0) > 0;
  if (!ok) throw new CliError(`${origin} has shape [${array.shape.join(', ')}]; expected ${expected} for this model`);
  const values = Float32Array.from(array.data as ArrayLike<number | bigint>, (v) => Number(v));
  // Non-finite data is the data's fault, said so here rather than blamed on the score function later.
  checkDataValues(values, array.shape, origin, { images: pointShape.length === 3 });
  return tf.tensor(values, [...array.shape]);
}
