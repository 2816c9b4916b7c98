import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs/promises';
import { Rng, adam, ensureDir, saveNpy, writeFileAtomic } from '@scorekit/core';
import type { JsonValue } from '@scorekit/core';
import { ExponentialMovingAverage, listCheckpoints, readCheckpoint, restoreCheckpoint, saveCheckpoint } from '@scorekit/models';
import { createObjective } from '@scorekit/objectives';
import type { Objective } from '@scorekit/objectives';
import { createSampler } from '@scorekit/samplers';
import type { TrainConfig } from './config.js';
import { buildModel } from './buildModel.js';
import type { BuiltModel } from './buildModel.js';
import { openTrainingData } from './trainingData.js';
import type { TrainingData } from './trainingData.js';
import { runFolder } from './runFolder.js';
import type { MetricsLine, RunFolder } from './runFolder.js';
import { imageGridPng, scatterPng } from './png.js';
import { knownDensity } from './knownDensity.js';
import type { Progress } from './progress.js';
import { CliError } from './errors.js';
import { clipByGlobalNorm } from './clipByGlobalNorm.js';

/** Options of {@link trainModel}. */
export interface TrainModelOptions {
  /** The run folder (created if needed); see `runFolder` for its layout. */
  readonly runDir: string;
  /** Continue from the run folder's latest checkpoint (its saved config is used; only `config.steps` is taken). */
  readonly resume?: boolean;
  /** When aborted (Ctrl-C), the current step finishes, a checkpoint is saved and the run ends as 'interrupted'. */
  readonly signal?: AbortSignal;
  /** Progress display (the CLI passes a bar); default none. */
  readonly progress?: Progress;
  /** Informational messages; default none. */
  readonly log?: (line: string) => void;
  /** Called after every step (tests use it to interrupt at a given step). */
  readonly onStep?: (step: number, loss: number) => void;
  /** The backend name, recorded in summary.json. */
  readonly backend?: string;
}

/** What {@link trainModel} returns and writes to summary.json. */
export interface TrainSummary {
  readonly status: 'completed' | 'interrupted';
  readonly step: number;
  readonly steps: number;
  readonly startStep: number;
  readonly finalLoss: number | null;
  /** Seconds of training (across resumes). */
  readonly time: number;
  readonly stepsPerSec: number;
  readonly parameters: number;
  readonly backend: string | null;
  readonly lastCheckpoint: string | null;
  readonly lastSamples: string | null;
}

// Separate, seeded streams so that sampling never perturbs training and a resumed run draws what an uninterrupted
// one would: weights from `seed`, data from seed+1, objective noise from seed+2, sample grids from seed+3.
const DATA_STREAM = 1;
const NOISE_STREAM = 2;
const SAMPLE_STREAM = 3;

/**
 * Trains a score model as a config says, writing a run folder: config, metrics log, periodic samples (+ PNG),
 * trajectories, checkpoints and a summary. Each step runs in `tf.tidy`: a batch, the objective's loss, gradients,
 * global-norm clipping, Adam with linear warm-up (score_sde optimization_manager), then the EMA update
 * (score_sde models/ema.py). With `resume`, weights, EMA, Adam state and RNG streams come back from the latest
 * checkpoint and the losses continue exactly as an uninterrupted run's on the same backend.
 *
 * @example
 * const summary = await trainModel(config, { runDir: 'runs/demo' });
 * console.log(summary.finalLoss);
 */
export async function trainModel(config: TrainConfig, options: TrainModelOptions): Promise<TrainSummary> {
  const run = runFolder(options.runDir);
  const log = options.log ?? (() => undefined);
  if (options.resume) config = await resumedConfig(run, config);
  else await refuseToOverwrite(run);
  await ensureDir(run.root);
  await writeFileAtomic(run.config, `${JSON.stringify(config, null, 2)}\n`);

  const data = await openTrainingData(config.dataset, config.seed + DATA_STREAM);
  const built = buildModel(config);
  const { network, model } = built;
  const objective = createObjective(config.objective as never) as Objective;
  // score_sde optim: Adam β (0.9, 0.999), eps 1e-8; scorekit's adam is tf.train.adam with fused steps on wasm
  const optimizer = adam(config.lr, 0.9, 0.999, 1e-8);
  const ema = new ExponentialMovingAverage(network.variables, { decay: config.emaDecay });
  let dataRng = new Rng(config.seed + DATA_STREAM);
  let noiseRng = new Rng(config.seed + NOISE_STREAM);
  let startStep = 0;
  let elapsedBefore = 0;
  if (options.resume) {
    const info = await restoreCheckpoint(run.checkpoints, { network, ema, optimizer }).catch((e: unknown) => {
      throw new CliError(`Cannot resume from ${run.checkpoints}: ${(e as Error).message}`);
    });
    const rngs = info.rngs();
    dataRng = rngs.data ?? dataRng;
    noiseRng = rngs.noise ?? noiseRng;
    startStep = info.step;
    elapsedBefore = typeof info.extra.time === 'number' ? info.extra.time : 0;
    await truncateMetrics(run.metrics, startStep);
    log(`resumed from step ${startStep} (${info.path})`);
  }
  log(`training ${network.config.kind} (${network.parameterCount} parameters) on ${data.description}, ` +
    `${config.objective.name} / ${config.sde.name}, ${config.steps} steps of batch ${config.batchSize}`);

  const trainable = network.trainableVariables();
  const setLr = (lr: number) => {
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
  };
  const lrAt = (step: number) => (config.warmup > 0 ? config.lr * Math.min((step + 1) / config.warmup, 1) : config.lr);
  const lossOf = (batch: { x: tf.Tensor; labels?: tf.Tensor }): tf.Scalar => {
    if (objective.requires === 'denoiser') return objective.loss(model, batch, noiseRng);
    // Noise-free objectives train s(x): the network at a fixed noise level 0.
    const score = (x: tf.Tensor, o?: object) => network.apply(x, tf.zeros([x.shape[0]!]), o ?? {});
    return objective.loss(score, batch, noiseRng);
  };

  let step = startStep;
  let lastLoss: number | null = null;
  let lastCheckpoint: string | null = null;
  let lastSamples: string | null = null;
  const interval = { loss: 0, gradNorm: 0, steps: 0, since: performance.now() };
  const started = performance.now();
  const seconds = () => elapsedBefore + (performance.now() - started) / 1000;
  let rate = 0;
  let status: TrainSummary['status'] = 'completed';

  const save = async () => {
    lastCheckpoint = await saveCheckpoint(
      run.checkpoints,
      { step, network, ema, optimizer, rngs: { data: dataRng, noise: noiseRng }, config: config as unknown as JsonValue, extra: { time: seconds() } },
      { keep: config.keepCheckpoints },
    );
  };

  try {
    while (step < config.steps) {
      const lr = lrAt(step);
      setLr(lr);
      const { loss, gradNorm } = tf.tidy(() => {
        const batch = data.next(config.batchSize, dataRng, config.conditional, step);
        const { value, grads } = tf.variableGrads(() => lossOf(batch), trainable);
        const { grads: applied, norm } = clipByGlobalNorm(grads, config.gradClip);
        // applyGradients takes a name → tensor map at run time; its type says Variable.
        optimizer.applyGradients(applied as unknown as Parameters<typeof optimizer.applyGradients>[0]);
        ema.update();
        return { loss: value.dataSync()[0]!, gradNorm: norm };
      });
      step++;
      lastLoss = loss;
      if (!Number.isFinite(loss)) throw new CliError(`training diverged at step ${step}: loss is ${loss}. Lower lr (now ${config.lr}) or set gradClip.`, 1);
      interval.loss += loss;
      interval.gradNorm += gradNorm;
      interval.steps++;
      const now = performance.now();
      if (step % config.logEvery === 0 || step === config.steps) {
        rate = (interval.steps * 1000) / Math.max(now - interval.since, 1e-3);
        const line: MetricsLine = {
          step,
          loss: interval.loss / interval.steps,
          lr,
          gradNorm: interval.gradNorm / interval.steps,
          stepsPerSec: rate,
          time: seconds(),
        };
        await fs.appendFile(run.metrics, `${JSON.stringify(line)}\n`);
        interval.loss = 0;
        interval.gradNorm = 0;
        interval.steps = 0;
        interval.since = now;
      }
      options.progress?.update({ step, loss, stepsPerSec: rate });
      options.onStep?.(step, loss);
      if (options.signal?.aborted) {
        status = 'interrupted';
        break;
      }
      if (config.sampleEvery > 0 && step % config.sampleEvery === 0 && step < config.steps) {
        lastSamples = await drawSamples(config, built, ema, data, run, step);
      }
      if (config.checkpointEvery > 0 && step % config.checkpointEvery === 0 && step < config.steps) await save();
      // Let signals (Ctrl-C) and I/O through between steps.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) {
        status = 'interrupted';
        break;
      }
    }
    options.progress?.stop();
    if (status === 'interrupted') log(`interrupted at step ${step}: saving a checkpoint`);
    await save();
    if (status === 'completed') lastSamples = await drawSamples(config, built, ema, data, run, step);
    const summary: TrainSummary = {
      status,
      step,
      steps: config.steps,
      startStep,
      finalLoss: lastLoss,
      time: seconds(),
      stepsPerSec: (step - startStep) / Math.max((performance.now() - started) / 1000, 1e-9),
      parameters: network.parameterCount,
      backend: options.backend ?? tf.getBackend() ?? null,
      lastCheckpoint,
      lastSamples,
    };
    await writeFileAtomic(run.summary, `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    options.progress?.stop();
    ema.dispose();
    optimizer.dispose();
    network.dispose();
  }
}

/**
 * Draws `config.sampleCount` samples with the EMA weights and the config's sampler (fixed seed, so grids of
 * different steps are comparable) and writes them as .npy and .png, plus the trajectory when asked.
 */
async function drawSamples(
  config: TrainConfig,
  built: BuiltModel,
  ema: ExponentialMovingAverage,
  data: TrainingData,
  run: RunFolder,
  step: number,
): Promise<string> {
  const { name, ...samplerOptions } = config.sampler;
  const sampler = createSampler(name, samplerOptions);
  const n = config.sampleCount;
  const labels = config.conditional && data.numClasses > 0 ? tf.tensor1d(Array.from({ length: n }, (_, i) => i % data.numClasses), 'int32') : undefined;
  try {
    const result = await ema.withAveraged(() =>
      sampler.run({
        score: built.scoreFn(labels),
        sde: built.sde,
        shape: [n, ...data.pointShape],
        seed: config.seed + SAMPLE_STREAM,
        ...(config.trajectoryEvery > 0 ? { record: { every: config.trajectoryEvery } } : {}),
      }),
    );
    try {
      await ensureDir(run.samples);
      await saveNpy(run.samplesNpy(step), result.samples);
      const values = (await result.samples.data()) as Float32Array;
      const png = data.is2d
        ? scatterPng(values, { size: 512, density: knownDensity(config.dataset.name) }).png
        : imageGridPng(values, [n, ...data.pointShape] as [number, number, number, number], { scale: data.pointShape[0]! < 64 ? 2 : 1 });
      await writeFileAtomic(run.samplesPng(step), png);
      if (result.trajectory != null) await saveTrajectory(run, step, name, result.trajectory);
    } finally {
      result.samples.dispose();
    }
  } finally {
    labels?.dispose();
  }
  return run.samplesPng(step);
}

/** Writes a recorded trajectory as [states, ...shape] and adds it to trajectories/index.json. */
export async function saveTrajectory(
  run: RunFolder,
  step: number,
  sampler: string,
  trajectory: { steps: readonly number[]; times: readonly number[]; states: readonly (Float32Array | tf.Tensor)[]; shape: readonly number[] },
): Promise<void> {
  await ensureDir(run.trajectories);
  const size = trajectory.shape.reduce((a, b) => a * b, 1);
  const all = new Float32Array(size * trajectory.states.length);
  trajectory.states.forEach((s, i) => all.set(s instanceof Float32Array ? s : (s.dataSync() as Float32Array), i * size));
  const file = run.trajectoryNpy(step);
  await saveNpy(file, all, [trajectory.states.length, ...trajectory.shape]);
  const index = await fs
    .readFile(run.trajectoryIndex, 'utf8')
    .then((t) => JSON.parse(t) as unknown[])
    .catch(() => [] as unknown[]);
  const entry = { step, file: file.slice(run.trajectories.length + 1), sampler, steps: trajectory.steps, times: trajectory.times, shape: [trajectory.states.length, ...trajectory.shape] };
  const kept = index.filter((e) => (e as { step?: number }).step !== step);
  await writeFileAtomic(run.trajectoryIndex, `${JSON.stringify([...kept, entry], null, 1)}\n`);
}

async function refuseToOverwrite(run: RunFolder): Promise<void> {
  if ((await listCheckpoints(run.checkpoints)).length > 0) {
    throw new CliError(`${run.root} already holds a training run (checkpoints found). Use --resume to continue it, or choose another --out.`);
  }
}

async function resumedConfig(run: RunFolder, requested: TrainConfig): Promise<TrainConfig> {
  const info = await readCheckpoint(run.checkpoints).catch((e: unknown) => {
    throw new CliError(`Cannot resume ${run.root}: ${(e as Error).message}`);
  });
  const saved = info.config as unknown as TrainConfig;
  // Only the length of the run may change on resume (longer or shorter); anything else would not be the same run.
  return { ...saved, steps: requested.steps };
}

async function truncateMetrics(path: string, step: number): Promise<void> {
  const text = await fs.readFile(path, 'utf8').catch(() => '');
  const kept = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => {
      try {
        return (JSON.parse(l) as MetricsLine).step <= step;
      } catch {
        return false;
      }
    });
  await writeFileAtomic(path, kept.length > 0 ? `${kept.join('\n')}\n` : '');
}
