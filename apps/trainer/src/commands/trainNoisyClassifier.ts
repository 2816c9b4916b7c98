import * as nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { NOISY_CLASSIFIER_KINDS, createNoisyClassifier, trainNoisyClassifier } from '@scorekit/guidance';
import type { NoisyClassifierKind, TrainableNoisyClassifier } from '@scorekit/guidance';
import { saveNoisyClassifier } from '@scorekit/guidance/node';
import { SDE_NAMES } from '@scorekit/sde';
import type { SdeConfig } from '@scorekit/sde';
import type { DatasetConfig, TrainConfig } from '../config.js';
import { CliError, problem } from '../errors.js';
import type { ConfigProblem } from '../errors.js';
import { refuseToOverwriteClassifier } from '../classifierFolder.js';
import { readJsonFile, runTask } from '../io.js';
import { createProgress } from '../progress.js';
import { runFolder } from '../runFolder.js';
import { seedProblem } from '../seeds.js';
import { openTrainingData } from '../trainingData.js';
import { integerFlag } from '../integerFlag.js';

/** The flags of `scorekit train-classifier --noisy`. */
export interface TrainNoisyClassifierCommandOptions {
  readonly run?: string;
  readonly sde?: string;
  readonly dataset?: string;
  readonly kind?: string;
  readonly out?: string;
  readonly steps?: string;
  readonly batchSize?: string;
  readonly lr?: string;
  readonly seed?: string;
  readonly count?: string;
}

/** What `train-classifier --noisy` reports (also saved in the folder's config.json as `extra`). */
export interface TrainNoisyClassifierSummary {
  /** The architecture ('mlp', 'conv'), as the classifier's config names it. */
  readonly name: NoisyClassifierKind;
  readonly dataset: string;
  readonly sde: SdeConfig;
  readonly numClasses: number;
  readonly dataShape: readonly number[];
  readonly trainSamples: number;
  readonly steps: number;
  readonly finalLoss: number;
  /** Accuracy on held-out points (never trained on) perturbed to t = the SDE's sampling eps (nearly clean). */
  readonly heldOutAccuracyAtEps: number;
  /** The same at t = T/2, where guidance does much of its work. */
  readonly heldOutAccuracyAtHalfT: number;
  readonly heldOutSamples: number;
}

// Endless 2D streams are drawn to this many points by default (a tenth held out).
const DEFAULT_2D_COUNT = 4096;

/**
 * Trains a noise-conditional classifier p(y | x_t, t) for a run's SDE and data (`--run <dir>`: its config's SDE
 * and data set) or for `--sde` and `--dataset`, with `@scorekit/guidance`'s trainer (data perturbed by the SDE at
 * t ~ U[eps, T]), and writes the folder `scorekit sample --classifier <dir>` reads. A tenth of the drawn data (at
 * most 1000 points) is held out and the accuracy on it reported at t = eps and t = T/2. Every bad flag is reported
 * at once before any data is read; `beforeWork` (the command's backend selection) runs after that check.
 *
 * @example
 * await runTrainNoisyClassifier({ run: 'runs/mnist', out: 'classifiers/mnist-noisy', steps: '500' });
 */
export async function runTrainNoisyClassifier(
  o: TrainNoisyClassifierCommandOptions,
  onStep?: (step: number, loss: number) => void,
  beforeWork?: () => Promise<void>,
): Promise<TrainNoisyClassifierSummary> {
  const problems: ConfigProblem[] = [];
  if (o.out == null || o.out === '') problems.push(...problem('--out', 'is required (the folder to write the classifier to)'));
  if ((o.run == null) === (o.sde == null)) problems.push(...problem('--run / --sde', 'give --run <run folder> (its SDE and data) or --sde <name> with --dataset'));
  if (o.run != null && o.dataset != null) problems.push(...problem('--dataset', 'comes from the run with --run; leave it out'));
  if (o.sde != null && !(SDE_NAMES as readonly string[]).includes(o.sde)) problems.push(...problem('--sde', `unknown SDE '${o.sde}'`, SDE_NAMES));
  if (o.sde != null && o.dataset == null) problems.push(...problem('--dataset', 'is required with --sde (a data set with labels: ncsn-mixture, mnist, fashion-mnist)'));
  if (o.kind != null && !(NOISY_CLASSIFIER_KINDS as readonly string[]).includes(o.kind)) problems.push(...problem('--kind', `unknown noisy classifier kind '${o.kind}'`, NOISY_CLASSIFIER_KINDS));
  const int = (flag: string, value: string | undefined, fallback: number, min: number): number => integerFlag(problems, flag, value, fallback, min);
  const steps = int('--steps', o.steps, 500, 1);
  const batchSize = int('--batch-size', o.batchSize, 128, 1);
  const seed = int('--seed', o.seed, 0, 0);
  if (o.seed !== undefined && Number.isInteger(Number(o.seed)) && seedProblem(Number(o.seed)) != null) problems.push(...problem('--seed', seedProblem(Number(o.seed))!));
  const count = o.count !== undefined ? int('--count', o.count, 0, 20) : undefined;
  const lr = o.lr !== undefined ? Number(o.lr) : 2e-3;
  if (!(lr > 0) || !Number.isFinite(lr)) problems.push(...problem('--lr', `must be a positive number, got '${o.lr}'`));
  if (problems.length > 0) throw CliError.fromProblems('Invalid train-classifier --noisy options', problems);
  await refuseToOverwriteClassifier(o.out!);
  // The caller's setup (the backend) runs once the flags are known to be good.
  await beforeWork?.();

  let sdeConfig: SdeConfig;
  let datasetConfig: DatasetConfig;
  if (o.run != null) {
    const config = (await runTask(readJsonFile(runFolder(o.run).config, '--run'))) as Partial<TrainConfig>;
    if (config?.sde == null || config.dataset == null) throw new CliError(`--run ${o.run}: its config.json names no sde and dataset (not a scorekit run folder)`);
    sdeConfig = config.sde as unknown as SdeConfig;
    datasetConfig = config.dataset;
  } else {
    sdeConfig = { name: o.sde } as SdeConfig;
    datasetConfig = { name: o.dataset! } as DatasetConfig;
  }
  const data = await openTrainingData(count !== undefined && datasetConfig.name !== 'ncsn-mixture' ? { ...datasetConfig, count } : datasetConfig, seed);
  if (data.numClasses < 2) {
    throw new CliError(`data set '${datasetConfig.name}' has no class labels; a noisy classifier needs them (ncsn-mixture, mnist, fashion-mnist)`);
  }
  const kind = (o.kind ?? (data.pointShape.length === 3 ? 'conv' : 'mlp')) as NoisyClassifierKind;
  const total = data.size ?? count ?? DEFAULT_2D_COUNT;
  const heldOut = Math.min(1000, Math.floor(total / 10));
  const rng = new Rng(seed);
  const drawn = tf.tidy(() => data.next(total, rng, true, 0));
  let classifier: TrainableNoisyClassifier;
  try {
    classifier = createNoisyClassifier({ name: kind, sde: sdeConfig, numClasses: data.numClasses, dataShape: data.pointShape, seed });
  } catch (e) {
    tf.dispose([drawn.x, drawn.labels!]);
    throw new CliError(`--run/--sde: ${(e as Error).message}`);
  }
  const train = total - heldOut;
  const [xTrain, xHeld] = tf.split(drawn.x, [train, heldOut], 0) as [tf.Tensor, tf.Tensor];
  const labels = Int32Array.from(drawn.labels!.dataSync());
  tf.dispose([drawn.x, drawn.labels!]);
  let report = onStep;
  let stop = (): void => {};
  if (report === undefined) {
    const progress = createProgress({ total: steps });
    const started = Date.now();
    report = (step, loss) => progress.update({ step, loss, stepsPerSec: step / Math.max((Date.now() - started) / 1000, 1e-3) });
    stop = () => progress.stop();
  }
  try {
    const { losses } = await trainNoisyClassifier(classifier, {
      data: xTrain,
      labels: labels.subarray(0, train),
      steps,
      batchSize,
      lr,
      seed: seed + 1,
      onProgress: (step, _total, loss) => report(step, loss),
    }).finally(stop);
    const accuracy = (t: number): number =>
      tf.tidy(() => {
        const noise = new Rng(seed + 2).normal(xHeld.shape);
        const xt = tf.add(tf.mul(xHeld, classifier.sde.alpha(t)), tf.mul(noise, classifier.sde.sigma(t)));
        const predicted = tf.argMax(classifier.logProbs(xt, t), 1).dataSync();
        let right = 0;
        for (let i = 0; i < heldOut; i++) if (predicted[i] === labels[train + i]) right++;
        return right / heldOut;
      });
    const summary: TrainNoisyClassifierSummary = {
      name: kind,
      dataset: datasetConfig.name,
      sde: classifier.config.sde,
      numClasses: data.numClasses,
      dataShape: data.pointShape,
      trainSamples: train,
      steps,
      finalLoss: losses[losses.length - 1]!,
      heldOutAccuracyAtEps: accuracy(classifier.sde.samplingEps),
      heldOutAccuracyAtHalfT: accuracy(classifier.sde.T / 2),
      heldOutSamples: heldOut,
    };
    await saveNoisyClassifier(classifier, nodePath.resolve(o.out!), { ...summary }).catch((e: unknown) => {
      throw new CliError(`Cannot write the noisy classifier to ${o.out}: ${(e as Error).message}`, 1);
    });
    return summary;
  } finally {
    tf.dispose([xTrain, xHeld]);
    classifier.dispose();
  }
}

