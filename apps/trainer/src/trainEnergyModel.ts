import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Rng } from '@scorekit/core';
import type { JsonValue } from '@scorekit/core';
import { ensureDir, saveNpy, writeFileAtomic } from '@scorekit/core/node';
import { readCheckpoint, restoreCheckpoint, saveCheckpoint } from '@scorekit/models/node';
import type { CheckpointedModule } from '@scorekit/models';
import type { EnergyTrainConfig } from './energyConfig.js';
import { createEnergyModel, flipUnits, stateShapes } from './energyModels.js';
import type { EnergyModel } from './energyModels.js';
import { openTrainingData } from './trainingData.js';
import type { TrainingData } from './trainingData.js';
import { runFolder } from './runFolder.js';
import type { RunFolder } from './runFolder.js';
import { imageGridPng, scatterPng } from './png.js';
import { knownDensity } from './knownDensity.js';
import { CliError } from './errors.js';
import { acquireRunLock } from './runLock.js';
import { streamSeed } from './seeds.js';
import {
  assertRunFolderExists,
  createRunFolder,
  refuseToOverwrite,
  removeStaleTemporaries,
  resumedConfig,
  truncateMetrics,
} from './trainModel.js';
import type { TrainModelOptions, TrainSummary } from './trainModel.js';

// The same seeded streams as score-model runs: weights from `seed`, data from seed+1, the model's own noise (Gibbs,
// Langevin, replay buffer, recall orders) from seed+2, sample grids from seed+3.
const DATA_STREAM = 1;
const NOISE_STREAM = 2;
const SAMPLE_STREAM = 3;

/** One line of an energy run's `metrics.jsonl` (no learning-rate schedule or gradient clipping to report). */
export interface EnergyMetricsLine {
  readonly step: number;
  /** Mean over the interval of the kind's monitor (`lossName` in the log's first line and in summary.json). */
  readonly loss: number;
  /** The learning rate (rbm, ebm-cd; a Hopfield network has none). */
  readonly lr?: number;
  readonly stepsPerSec: number;
  readonly time: number;
}

/**
 * Trains an energy-based model (RBM, Hopfield network or deep EBM by CD) into a run folder with the same contract
 * as {@link trainModel}: config.json, metrics.jsonl, checkpoints (saveCheckpoint of @scorekit/models: parameters,
 * optimizer state, RNG streams, and the model's sampling state — PCD chains, replay buffer, stored patterns), sample
 * grids (.npy + .png) at `sampleEvery` and at the end, summary.json; progress/ETA; Ctrl-C finishes the step and
 * saves a checkpoint; `resume` continues bit-identically to an uninterrupted run on the same backend.
 *
 * @example
 * const summary = await trainEnergyModel(config, { runDir: 'runs/rbm' });
 */
export async function trainEnergyModel(config: EnergyTrainConfig, options: TrainModelOptions): Promise<TrainSummary & { readonly lossName: string }> {
  const run = runFolder(options.runDir);
  const log = options.log ?? (() => undefined);
  let release: (() => Promise<void>) | undefined;
  if (options.resume) {
    await assertRunFolderExists(run);
    release = await acquireRunLock(run.root);
  }
  let model: EnergyModel | undefined;
  try {
    if (options.resume) config = await resumedConfig(run, config);
    else await refuseToOverwrite(run);
    const dataRngSeed = streamSeed(config.seed, DATA_STREAM);
    const data = await openTrainingData(config.dataset, dataRngSeed);
    const pointSize = data.pointShape.reduce((a, b) => a * b, 1);
    if (data.is2d !== (config.name === 'ebm-cd')) {
      throw new CliError(`'${config.name}' cannot train on ${data.description}`); // parseEnergyConfig refuses these first
    }
    const visibleBias = config.name === 'rbm' ? pixelLogOdds(data, config) : undefined;
    model = createEnergyModel(config, pointSize, visibleBias ? { visibleBias } : {});
    visibleBias?.dispose();
    let dataRng = new Rng(dataRngSeed);
    let noiseRng = new Rng(streamSeed(config.seed, NOISE_STREAM));
    let startStep = 0;
    let elapsedBefore = 0;
    let carried: { loss: number; steps: number } | undefined;
    if (options.resume) {
      const info = await restoreEnergyCheckpoint(run.checkpoints, model).catch((e: unknown) => {
        throw e instanceof CliError ? e : new CliError(`Cannot resume from ${run.checkpoints}: ${(e as Error).message}`);
      });
      const rngs = info.rngs();
      dataRng = rngs.data ?? dataRng;
      noiseRng = rngs.noise ?? noiseRng;
      startStep = info.step;
      elapsedBefore = typeof info.extra.time === 'number' ? info.extra.time : 0;
      const i = info.extra.interval as { loss?: unknown; steps?: unknown } | undefined;
      if (i != null && typeof i.loss === 'number' && typeof i.steps === 'number') carried = { loss: i.loss, steps: i.steps };
      log(`resumed from step ${startStep} (${info.path})`);
    } else {
      await createRunFolder(run);
      release = await acquireRunLock(run.root);
      await refuseToOverwrite(run);
    }
    await removeStaleTemporaries(run);
    await writeFileAtomic(run.config, `${JSON.stringify(config, null, 2)}\n`);
    if (options.resume) await truncateMetrics(run.metrics, startStep);
    log(`training ${model.description} (${model.parameterCount} parameters) on ${data.description}, ${config.steps} steps of batch ${config.batchSize}; loss = ${model.lossName}`);

    const m = model;
    let step = startStep;
    let lastLoss: number | null = null;
    let lastCheckpoint: string | null = null;
    let lastSamples: string | null = null;
    const interval = { loss: carried?.loss ?? 0, steps: carried?.steps ?? 0, since: performance.now() };
    const started = performance.now();
    const seconds = () => elapsedBefore + (performance.now() - started) / 1000;
    let rate = 0;
    let status: TrainSummary['status'] = 'completed';
    const save = async () => {
      lastCheckpoint = await saveEnergyCheckpoint(run.checkpoints, m, {
        step,
        rngs: { data: dataRng, noise: noiseRng },
        config: config as unknown as JsonValue,
        extra: { time: seconds(), interval: { loss: interval.loss, steps: interval.steps } },
        keep: config.keepCheckpoints,
      });
    };
    try {
      while (step < config.steps) {
        const batch = tf.tidy(() => modelUnits(config, data.next(config.batchSize, dataRng, false, step).x, dataRng));
        let loss: number;
        try {
          loss = m.step(batch, noiseRng).loss;
        } finally {
          batch.dispose();
        }
        step++;
        lastLoss = loss;
        if (!Number.isFinite(loss)) throw new CliError(`training diverged at step ${step}: the loss is ${loss}. Lower lr${'lr' in config ? ` (now ${config.lr})` : ''}.`, 1);
        interval.loss += loss;
        interval.steps++;
        const now = performance.now();
        if (step % config.logEvery === 0 || step === config.steps) {
          rate = (interval.steps * 1000) / Math.max(now - interval.since, 1e-3);
          const line: EnergyMetricsLine = { step, loss: interval.loss / interval.steps, ...('lr' in config ? { lr: config.lr } : {}), stepsPerSec: rate, time: seconds() };
          await fs.appendFile(run.metrics, `${JSON.stringify(line)}\n`);
          interval.loss = 0;
          interval.steps = 0;
          interval.since = now;
        }
        options.progress?.update({ step, loss, stepsPerSec: rate });
        options.onStep?.(step, loss);
        if (options.signal?.aborted) {
          status = 'interrupted';
          break;
        }
        if (config.sampleEvery > 0 && step % config.sampleEvery === 0 && step < config.steps) lastSamples = await drawRunSamples(config, m, data, run, step);
        if (config.checkpointEvery > 0 && step % config.checkpointEvery === 0 && step < config.steps) await save();
        await new Promise((resolve) => setImmediate(resolve));
        if (options.signal?.aborted) {
          status = 'interrupted';
          break;
        }
      }
      options.progress?.stop();
      if (status === 'interrupted') log(`interrupted at step ${step}: saving a checkpoint`);
      await save();
      if (status === 'completed') lastSamples = await drawRunSamples(config, m, data, run, step);
      const summary = {
        status,
        step,
        steps: config.steps,
        startStep,
        finalLoss: lastLoss,
        time: seconds(),
        stepsPerSec: (step - startStep) / Math.max((performance.now() - started) / 1000, 1e-9),
        parameters: m.parameterCount,
        backend: options.backend ?? tf.getBackend() ?? null,
        lastCheckpoint,
        lastSamples,
        lossName: m.lossName,
      };
      const inRun = (file: string | null) => (file === null ? null : nodePath.relative(run.root, file));
      await writeFileAtomic(run.summary, `${JSON.stringify({ ...summary, lastCheckpoint: inRun(lastCheckpoint), lastSamples: inRun(lastSamples) }, null, 2)}\n`);
      return summary;
    } finally {
      options.progress?.stop();
    }
  } finally {
    options.progress?.stop();
    model?.dispose();
    await release?.();
  }
}

/**
 * A data batch in the model's units: 2D points as they are (ebm-cd); images [n, h, w, c] in [−1, 1] flattened to
 * [n, V] and binarised — 0/1 for an RBM, ±1 for a Hopfield network. Call inside `tf.tidy`.
 */
export function modelUnits(config: EnergyTrainConfig, x: tf.Tensor, rng: Rng): tf.Tensor2D {
  const flat = tf.reshape(x, [x.shape[0]!, -1]) as tf.Tensor2D;
  if (config.name === 'ebm-cd') return flat;
  const intensity = tf.div(tf.add(flat, 1), 2); // [−1, 1] → [0, 1]
  const on = config.dataset.binarisation === 'stochastic' ? tf.less(rng.uniform(flat.shape), intensity) : tf.greater(intensity, 0.5);
  const binary = tf.cast(on, 'float32');
  return (config.name === 'hopfield' ? tf.sub(tf.mul(binary, 2), 1) : binary) as tf.Tensor2D;
}

/** Samples in model units → the data's space ([−1, 1] images, or 2D points), as the trainer writes them. */
export function dataUnits(config: EnergyTrainConfig, samples: tf.Tensor2D): tf.Tensor2D {
  return config.name === 'rbm' ? tf.tidy(() => tf.sub(tf.mul(samples, 2), 1) as tf.Tensor2D) : tf.clone(samples);
}

// The RBM's initial visible biases: log-odds of the training pixels' means (Hinton's guide §8), clipped away from
// 0 and 1 so that never-on pixels get a finite bias. One pass over an epoch in the data's own order.
function pixelLogOdds(data: TrainingData, config: EnergyTrainConfig): tf.Tensor1D {
  const count = data.count ?? 1;
  const rng = new Rng(streamSeed(config.seed, DATA_STREAM));
  return tf.tidy(() => {
    const rows = modelUnits(config, data.next(count, rng, false, 0).x, rng);
    const p = tf.clipByValue(tf.mean(rows, 0), 1e-3, 1 - 1e-3);
    return tf.log(tf.div(p, tf.sub(1, p))) as tf.Tensor1D;
  });
}

/** Draws the run's periodic samples (fixed seed, so grids of different steps compare) and writes .npy and .png. */
async function drawRunSamples(config: EnergyTrainConfig, model: EnergyModel, data: TrainingData, run: RunFolder, step: number): Promise<string> {
  const rng = new Rng(streamSeed(config.seed, SAMPLE_STREAM));
  const n = config.sampleCount;
  const s = config.sampler;
  // Hopfield runs show recall from their own stored patterns with a fraction of the units flipped.
  const stored = s.name === 'recall' ? (model.storedPatterns?.(n) ?? null) : null;
  const start = stored && s.name === 'recall' ? flipUnits(stored, s.corruption, rng) : null;
  stored?.dispose();
  const drawn = model.draw(n, rng, s.name === 'recall' ? { steps: s.maxIterations, ...(start ? { start } : {}) } : s.name === 'langevin' ? { steps: s.steps, stepSize: s.stepSize } : { steps: s.steps });
  start?.dispose();
  const samples = dataUnits(config, drawn);
  drawn.dispose();
  try {
    await ensureDir(run.samples);
    await writeEnergySamples(samples, data.pointShape, run.samplesNpy(step), run.samplesPng(step), config.dataset.name);
  } finally {
    samples.dispose();
  }
  return run.samplesPng(step);
}

/** Writes samples [n, V] (data units) as .npy [n, ...pointShape] and as an image grid or a 2D scatter plot. */
export async function writeEnergySamples(samples: tf.Tensor2D, pointShape: readonly number[], npy: string | undefined, png: string | undefined, datasetName: string): Promise<void> {
  const n = samples.shape[0];
  const values = (await samples.data()) as Float32Array;
  if (npy != null) await saveNpy(npy, values, [n, ...pointShape], 'float32');
  if (png != null) {
    const is2d = pointShape.length === 1 && pointShape[0] === 2;
    const bytes = is2d
      ? scatterPng(values, { size: 512, density: knownDensity(datasetName) }).png
      : imageGridPng(values, [n, ...pointShape] as [number, number, number, number], { scale: pointShape[0]! < 64 ? 2 : 1 });
    await writeFileAtomic(png, bytes);
  }
}

/**
 * Saves an energy model's checkpoint through @scorekit/models' saveCheckpoint (one folder per step, written to a
 * temporary name and renamed): its parameters, and its variable-shape state as extra non-trainable variables
 * named `state/<key>` whose shapes go into `extra.state`.
 */
export async function saveEnergyCheckpoint(
  root: string,
  model: EnergyModel,
  what: { step: number; rngs: Record<string, Rng>; config: JsonValue; extra: Record<string, JsonValue>; keep: number },
): Promise<string> {
  const state = model.state();
  const stateVariables = Object.entries(state).map(([k, t]) => ({ name: `state/${k}`, variable: tf.variable(t, false), trainable: false }));
  const module: CheckpointedModule = { config: model.module.config, variables: [...model.module.variables, ...stateVariables] };
  try {
    return await saveCheckpoint(
      root,
      {
        step: what.step,
        network: module,
        ...(model.optimizer ? { optimizer: model.optimizer } : {}),
        rngs: what.rngs,
        config: what.config,
        extra: { ...what.extra, state: stateShapes(state) },
      },
      { keep: what.keep },
    );
  } finally {
    for (const v of stateVariables) v.variable.dispose();
    tf.dispose(Object.values(state));
  }
}

/**
 * Restores {@link saveEnergyCheckpoint}'s checkpoint (the latest, or `step`) into a freshly built model:
 * parameters, optimizer state and sampling state; returns the checkpoint's JSON part (RNG streams, extra).
 */
export async function restoreEnergyCheckpoint(root: string, model: EnergyModel, step?: number): Promise<Awaited<ReturnType<typeof readCheckpoint>>> {
  const options = step != null ? { step } : {};
  const info = await readCheckpoint(root, options);
  const shapes = (info.extra.state ?? {}) as Record<string, { shape?: unknown }>;
  const targets = Object.entries(shapes).map(([k, s]) => {
    const shape = Array.isArray(s.shape) && s.shape.every((d) => Number.isInteger(d) && (d as number) >= 0) ? (s.shape as number[]) : null;
    if (shape == null) throw new CliError(`Cannot read checkpoint ${info.path}: extra.state.${k} has no valid shape`);
    return { key: k, named: { name: `state/${k}`, variable: tf.variable(tf.zeros(shape), false), trainable: false } };
  });
  try {
    const module: CheckpointedModule = { config: model.module.config, variables: [...model.module.variables, ...targets.map((t) => t.named)] };
    await restoreCheckpoint(root, { network: module, ...(model.optimizer ? { optimizer: model.optimizer } : {}) }, options);
    model.loadState(Object.fromEntries(targets.map((t) => [t.key, t.named.variable])));
  } finally {
    for (const t of targets) t.named.variable.dispose();
  }
  return info;
}
