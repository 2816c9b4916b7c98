import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import * as nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadFashionMnist, loadMnist } from '@scorekit/data/node';
import type { ImageDataset } from '@scorekit/data';
import { classifierExtractor, trainClassifier, trainDualEncoder, zeroShotClassify } from '@scorekit/metrics';
import { saveClassifier, saveDualEncoder } from '@scorekit/metrics/node';
import { useBackend } from '../backend.js';
import { CliError, problem } from '../errors.js';
import { refuseToOverwriteClassifier } from '../classifierFolder.js';
import { seedProblem } from '../seeds.js';
import type { ConfigProblem } from '../errors.js';
import { runTask, writeFileTask } from '../io.js';
import { createProgress } from '../progress.js';
import { runTrainNoisyClassifier } from './trainNoisyClassifier.js';
import type { TrainNoisyClassifierCommandOptions } from './trainNoisyClassifier.js';
import { integerFlag } from '../integerFlag.js';

/** Data sets `train-classifier --dataset` accepts. */
export const CLASSIFIER_DATASETS = ['mnist', 'fashion-mnist'] as const;
/** Model kinds `--kind` accepts. */
export const CLASSIFIER_KINDS = ['classifier', 'clip'] as const;

/** The flags of `scorekit train-classifier`, as commander hands them over. */
export interface TrainClassifierCommandOptions {
  readonly dataset?: string;
  readonly out?: string;
  readonly kind?: string;
  readonly steps?: string;
  readonly batchSize?: string;
  readonly lr?: string;
  readonly seed?: string;
  readonly count?: string;
  readonly backend?: string;
  /** Print the summary as JSON on stdout instead of a sentence. */
  readonly json?: boolean;
}

export interface TrainClassifierSettings {
  readonly dataset: (typeof CLASSIFIER_DATASETS)[number];
  readonly kind: (typeof CLASSIFIER_KINDS)[number];
  readonly out: string;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
  readonly count?: number;
}

/** What `train-classifier` reports and writes to `<out>/training.json`. */
export interface TrainClassifierSummary {
  readonly dataset: string;
  /**
   * The variant trained (`--kind`): `classifier`, or `clip` for the dual encoder (then the accuracy is zero-shot,
   * from captions). Named `name`, the key that names a variant everywhere; folders written before hold `kind`.
   */
  readonly name: string;
  readonly trainSamples: number;
  readonly heldOutSamples: number;
  readonly steps: number;
  readonly finalLoss: number;
  /** Accuracy on held-out images (MNIST: its test split, 1,996 digits never trained on; Fashion-MNIST: 1000 test images). */
  readonly heldOutAccuracy: number;
}

/**
 * Checks the `train-classifier` flags, reporting every problem at once with the allowed values.
 *
 * @example
 * parseTrainClassifierOptions({ dataset: 'mnist', out: 'runs/clf' }); // Right({ steps: 500, … })
 */
export function parseTrainClassifierOptions(o: TrainClassifierCommandOptions): E.Either<ConfigProblem[], TrainClassifierSettings> {
  const problems: ConfigProblem[] = [];
  const dataset = o.dataset as TrainClassifierSettings['dataset'];
  if (o.dataset === undefined) problems.push(...problem('--dataset', 'is required', CLASSIFIER_DATASETS));
  else if (!CLASSIFIER_DATASETS.includes(dataset)) problems.push(...problem('--dataset', `unknown data set '${o.dataset}'`, CLASSIFIER_DATASETS));
  if (o.out === undefined || o.out === '') problems.push(...problem('--out', 'is required (the folder to write the classifier to)'));
  if (o.kind !== undefined && !(CLASSIFIER_KINDS as readonly string[]).includes(o.kind)) {
    problems.push(...problem('--kind', `unknown kind '${o.kind}'`, CLASSIFIER_KINDS));
  }
  const int = (flag: string, value: string | undefined, fallback: number, min: number): number => integerFlag(problems, flag, value, fallback, min);
  const steps = int('--steps', o.steps, 500, 1);
  const batchSize = int('--batch-size', o.batchSize, 64, 1);
  const seed = int('--seed', o.seed, 0, 0);
  if (o.seed !== undefined && Number.isInteger(Number(o.seed)) && Number(o.seed) >= 0 && seedProblem(Number(o.seed)) != null) {
    problems.push(...problem('--seed', seedProblem(Number(o.seed))!));
  }
  const count = o.count !== undefined ? int('--count', o.count, 0, 20) : undefined;
  const lr = o.lr !== undefined ? Number(o.lr) : 2e-3;
  if (!(lr > 0) || !Number.isFinite(lr)) problems.push(...problem('--lr', `must be a positive number, got '${o.lr}'`));
  if (problems.length > 0) return E.left(problems);
  const kind = (o.kind ?? 'classifier') as TrainClassifierSettings['kind'];
  return E.right({ dataset, kind, out: o.out as string, steps, batchSize, lr, seed, ...(count !== undefined ? { count } : {}) });
}

/**
 * Runs `scorekit train-classifier`: loads the data set, trains scorekit's small classifier (the feature extractor
 * behind `--features classifier:<dir>`), measures held-out accuracy, and saves the classifier folder plus
 * `training.json`. `onStep` replaces the progress display (tests).
 *
 * @example
 * const summary = await runTrainClassifier({ dataset: 'mnist', out: 'runs/mnist-clf', steps: '300' });
 */
export async function runTrainClassifier(
  options: TrainClassifierCommandOptions,
  onStep?: (step: number, loss: number) => void,
): Promise<TrainClassifierSummary> {
  const parsed = parseTrainClassifierOptions(options);
  if (E.isLeft(parsed)) throw CliError.fromProblems('Invalid train-classifier options', parsed.left);
  const s = parsed.right;
  await refuseToOverwriteClassifier(s.out);
  let trainSet: ImageDataset;
  let heldOut: ImageDataset;
  try {
    if (s.dataset === 'mnist') {
      // The same split as the generative models: trained on 'train', checked on the 1,996 held-out digits.
      trainSet = await loadMnist({ split: 'train', ...(s.count !== undefined ? { count: s.count } : {}) });
      heldOut = await loadMnist({ split: 'test' });
    } else {
      trainSet = await loadFashionMnist({ split: 'train', ...(s.count !== undefined ? { count: s.count } : {}) });
      heldOut = await loadFashionMnist({ split: 'test', count: 1000 });
    }
  } catch (e) {
    throw new CliError(`--dataset ${s.dataset}: ${(e as Error).message}`);
  }
  const steps = s.steps;
  let report = onStep;
  let stop = (): void => {};
  if (report === undefined) {
    const progress = createProgress({ total: steps });
    const started = Date.now();
    report = (step, loss) => progress.update({ step, loss, stepsPerSec: step / Math.max((Date.now() - started) / 1000, 1e-3) });
    stop = () => progress.stop();
  }
  let finalLoss = NaN;
  const onTrainStep = (step: number, loss: number): void => {
    finalLoss = loss;
    report(step, loss);
  };
  const common = {
    images: trainSet.images,
    shape: trainSet.shape,
    labels: trainSet.labels as Int32Array,
    steps,
    batchSize: s.batchSize,
    learningRate: s.lr,
    seed: s.seed,
    onStep: onTrainStep,
  };
  const classNames = trainSet.classNames ?? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  const heldOutLabels = heldOut.labels as Int32Array;
  const images = tf.tensor4d(heldOut.images, [...heldOut.shape]);
  let correct = 0;
  try {
    if (s.kind === 'clip') {
      const encoder = await trainDualEncoder({ ...common, classNames }).finally(stop);
      try {
        const predicted = await zeroShotClassify(encoder, images, classNames);
        for (let i = 0; i < heldOutLabels.length; i++) if (predicted[i] === heldOutLabels[i]) correct++;
        await saveDualEncoder(encoder, s.out).catch((e: unknown) => {
          throw new CliError(`Cannot write the dual encoder to ${s.out}: ${(e as Error).message}`, 1);
        });
      } finally {
        encoder.dispose();
      }
    } else {
      const classifier = await trainClassifier({ ...common, numClasses: 10, classNames }).finally(stop);
      try {
        const probs = await classifierExtractor(classifier, { output: 'probabilities' }).extract(images, { batchSize: 250 });
        for (let i = 0; i < heldOutLabels.length; i++) {
          const row = probs.data.subarray(i * 10, i * 10 + 10);
          if (row.indexOf(Math.max(...row)) === heldOutLabels[i]) correct++;
        }
        await saveClassifier(classifier, s.out).catch((e: unknown) => {
          throw new CliError(`Cannot write the classifier to ${s.out}: ${(e as Error).message}`, 1);
        });
      } finally {
        classifier.network.dispose();
      }
    }
  } finally {
    images.dispose();
  }
  const summary: TrainClassifierSummary = {
    dataset: s.dataset,
    name: s.kind,
    trainSamples: trainSet.shape[0],
    heldOutSamples: heldOutLabels.length,
    steps,
    finalLoss,
    heldOutAccuracy: correct / heldOutLabels.length,
  };
  await runTask(writeFileTask(nodePath.join(s.out, 'training.json'), `${JSON.stringify(summary, null, 2)}\n`));
  return summary;
}

/**
 * Registers `scorekit train-classifier`.
 *
 * @example
 * registerTrainClassifierCommand(program); // scorekit train-classifier --dataset mnist --out runs/mnist-clf
 */
export function registerTrainClassifierCommand(program: Command): void {
  program
    .command('train-classifier')
    .description(
      'Train scorekit\'s small classifier (`eval --features classifier:<dir>`) or, with --kind clip, its CLIP-style ' +
        'dual encoder (`eval --metric clip --features clip:<dir> --captions <file>`).',
    )
    .option('--dataset <name>', `training data: ${CLASSIFIER_DATASETS.join(', ')}`)
    .option('--out <dir>', 'folder to write the classifier to (config.json, weights.safetensors, training.json)')
    .option('--kind <kind>', `model kind: ${CLASSIFIER_KINDS.join(', ')} (default classifier; training.json records it as name)`)
    .option('--steps <n>', 'optimiser steps (default 500)')
    .option('--batch-size <n>', 'images per step (default 64)')
    .option('--lr <lr>', 'Adam learning rate (default 0.002)')
    .option('--seed <seed>', 'seed of the weights and batch order (default 0)')
    .option('--count <n>', 'train on the first n images only')
    .option('--backend <name>', 'TensorFlow.js backend (default: fastest available)')
    .option('--json', 'print the summary (as training.json) as one JSON line on stdout (--noisy always prints JSON)')
    .option('--noisy', "train a noise-conditional classifier p(y | x_t, t) for guidance ('sample --classifier <dir>'), for a run's SDE and data (--run) or --sde with --dataset; --kind mlp|conv")
    .option('--run <dir>', '--noisy: the run folder whose SDE and data set the classifier is trained for')
    .option('--sde <name>', '--noisy: the SDE (instead of --run)')
    .action(async (options: TrainClassifierCommandOptions & TrainNoisyClassifierCommandOptions & { noisy?: boolean }) => {
      if (options.noisy === true) {
        const summary = await runTrainNoisyClassifier(options, undefined, async () => {
          await useBackend(options.backend);
        });
        process.stdout.write(`${JSON.stringify({ out: options.out, ...summary })}\n`);
        return;
      }
      if (options.run != null || options.sde != null) throw new CliError('--run and --sde are for a noisy classifier: add --noisy');
      const parsed = parseTrainClassifierOptions(options);
      if (E.isLeft(parsed)) throw CliError.fromProblems('Invalid train-classifier options', parsed.left);
      await useBackend(options.backend);
      const summary = await runTrainClassifier(options);
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ out: parsed.right.out, ...summary })}\n`);
        return;
      }
      process.stdout.write(
        `${summary.name === 'clip' ? 'dual encoder' : 'classifier'} saved to ${parsed.right.out}: held-out ${summary.name === 'clip' ? 'zero-shot ' : ''}accuracy ${(100 * summary.heldOutAccuracy).toFixed(1)} % ` +
          `on ${summary.heldOutSamples} ${summary.dataset} images, final loss ${summary.finalLoss.toFixed(4)}\n`,
      );
    });
}

