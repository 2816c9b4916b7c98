import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Rng, adam } from '@scorekit/core';
import { ensureDir, saveNpy, writeFileAtomic } from '@scorekit/core/node';
import type { JsonValue } from '@scorekit/core';
import { ExponentialMovingAverage, resolveNetworkConfig } from '@scorekit/models';
import { listCheckpoints, readCheckpoint, restoreCheckpoint, saveCheckpoint } from '@scorekit/models/node';
import { createObjective, dropLabels } from '@scorekit/objectives';
import type { Objective } from '@scorekit/objectives';
import { createSampler } from '@scorekit/samplers';
import type { TrainConfig } from './config.js';
import { withCurrentKeys } from './savedConfig.js';
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
import { acquireRunLock } from './runLock.js';
import { describeFsError } from './outputPath.js';
import { streamSeed } from './seeds.js';
import { sampleSeed } from './shard.js';

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
  /** The last checkpoint folder and sample file: absolute here, relative to the run folder in summary.json. */
  readonly lastCheckpoint: string | null;
  readonly lastSamples: string | null;
}

// Separate, seeded streams so that sampling never perturbs training and a resumed run draws what an uninterrupted
// one would: weights from `seed`, data from seed+1, objective noise from seed+2, sample grids from seed+3.
const DATA_STREAM = 1;
const NOISE_STREAM = 2;
const SAMPLE_STREAM = 3;
const LABEL_DROPOUT_STREAM = 4;

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
  // Everything is checked before anything is written: a resumed run is locked first (its folder exists), its
  // checkpoint verified against the run; a new run's data and network are checked before its folder is created.
  let release: (() => Promise<void>) | undefined;
  if (options.resume) {
    await assertRunFolderExists(run);
    release = await acquireRunLock(run.root);
  }
  let network: BuiltModel['network'] | undefined;
  let ema: ExponentialMovingAverage | undefined;
  let optimizer: ReturnType<typeof adam> | undefined;
  try {
    if (options.resume) config = await resumedConfig(run, config);
    else await refuseToOverwrite(run);
    const data = await openTrainingData(config.dataset, streamSeed(config.seed, DATA_STREAM));
    checkDataFitsNetwork(config, data);
    const built = buildModel(config);
    network = built.network;
    const objective = createObjective(config.objective as never) as Objective;
    // score_sde optim: Adam β (0.9, 0.999), eps 1e-8; scorekit's adam is tf.train.adam with fused steps on wasm
    optimizer = adam(config.lr, 0.9, 0.999, 1e-8);
    ema = new ExponentialMovingAverage(network.variables, { decay: config.emaDecay });
    let dataRng = new Rng(streamSeed(config.seed, DATA_STREAM));
    let noiseRng = new Rng(streamSeed(config.seed, NOISE_STREAM));
    let startStep = 0;
    let elapsedBefore = 0;
    let carried: IntervalSums | undefined;
    let resumedFrom: string | undefined;
    if (options.resume) {
      // Restored in memory only: a checkpoint that does not fit the network fails here, before any write.
      const info = await restoreCheckpoint(run.checkpoints, { network, ema, optimizer }).catch((e: unknown) => {
        throw new CliError(`Cannot resume from ${run.checkpoints}: ${(e as Error).message}`);
      });
      const rngs = info.rngs();
      dataRng = rngs.data ?? dataRng;
      noiseRng = rngs.noise ?? noiseRng;
      startStep = info.step;
      elapsedBefore = typeof info.extra.time === 'number' ? info.extra.time : 0;
      carried = intervalSums(info.extra.interval);
      resumedFrom = info.path;
    } else {
      await createRunFolder(run);
      release = await acquireRunLock(run.root);
      // Another writer may have started this run between the first check and the lock.
      await refuseToOverwrite(run);
    }
    await removeStaleTemporaries(run);
    await writeFileAtomic(run.config, `${JSON.stringify(config, null, 2)}\n`);
    if (options.resume) {
      await truncateMetrics(run.metrics, startStep);
      log(`resumed from step ${startStep} (${resumedFrom})`);
    }
    return await trainLoop({ config, options, run, log, data, built, objective, optimizer, ema, dataRng, noiseRng, startStep, elapsedBefore, carried });
  } finally {
    options.progress?.stop();
    ema?.dispose();
    optimizer?.dispose();
    network?.dispose();
    await release?.();
  }
}

/** The running sums of the current log interval, saved in checkpoints so a resumed interval's mean is whole. */
interface IntervalSums {
  readonly loss: number;
  readonly gradNorm: number;
  readonly steps: number;
}

function intervalSums(value: unknown): IntervalSums | undefined {
  const v = value as Partial<IntervalSums> | null | undefined;
  return v != null && Number.isFinite(v.loss) && Number.isFinite(v.gradNorm) && Number.isInteger(v.steps)
    ? { loss: v.loss!, gradNorm: v.gradNorm!, steps: v.steps! }
    : undefined;
}

interface LoopState {
  readonly config: TrainConfig;
  readonly options: TrainModelOptions;
  readonly run: RunFolder;
  readonly log: (line: string) => void;
  readonly data: TrainingData;
  readonly built: BuiltModel;
  readonly objective: Objective;
  readonly optimizer: ReturnType<typeof adam>;
  readonly ema: ExponentialMovingAverage;
  readonly dataRng: Rng;
  readonly noiseRng: Rng;
  readonly startStep: number;
  readonly elapsedBefore: number;
  readonly carried: IntervalSums | undefined;
}

async function trainLoop(state: LoopState): Promise<TrainSummary> {
  const { config, options, run, log, data, built, objective, optimizer, ema, dataRng, noiseRng, startStep, elapsedBefore } = state;
  const { network, model } = built;
  log(`training ${network.config.name} (${network.parameterCount} parameters) on ${data.description}, ` +
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
  const interval = { loss: state.carried?.loss ?? 0, gradNorm: state.carried?.gradNorm ?? 0, steps: state.carried?.steps ?? 0, since: performance.now() };
  const started = performance.now();
  const seconds = () => elapsedBefore + (performance.now() - started) / 1000;
  let rate = 0;
  let status: TrainSummary['status'] = 'completed';

  const save = async () => {
    lastCheckpoint = await saveCheckpoint(
      run.checkpoints,
      { step, network, ema, optimizer, rngs: { data: dataRng, noise: noiseRng }, config: config as unknown as JsonValue,
        extra: { time: seconds(), interval: { loss: interval.loss, gradNorm: interval.gradNorm, steps: interval.steps } } },
      { keep: config.keepCheckpoints },
    );
  };

  try {
    while (step < config.steps) {
      const lr = lrAt(step);
      setLr(lr);
      const { loss, gradNorm } = tf.tidy(() => {
        const drawn = data.next(config.batchSize, dataRng, config.conditional, step);
        // Label dropout draws from a generator of its own per step (a hash of seed and step), so a resumed run drops
        // the same labels without a third saved RNG state, and runs without it keep their noise stream.
        const batch =
          drawn.labels != null && (config.labelDropout ?? 0) > 0
            ? { x: drawn.x, labels: dropLabels(drawn.labels, { probability: config.labelDropout!, nullLabel: Number(config.network.numClasses) }, new Rng(sampleSeed(streamSeed(config.seed, LABEL_DROPOUT_STREAM), step))) }
            : drawn;
        const { value, grads } = tf.variableGrads(() => lossOf(batch), trainable);
        const { grads: applied, norm } = clipByGlobalNorm(grads, config.gradClip);
        // applyGradients takes a name → tensor map at run time; its type says Variable.
        optimizer.applyGradients(applied as unknown as Parameters<typeof optimizer.applyGradients>[0]);
        ema.update();
        return { loss: value.dataSync()[0]!, gradNorm: norm };
      });
      step++;
      lastLoss = loss;
      if (!Number.isFinite(loss)) throw new CliError(divergenceMessage(config, step, loss), 1);
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
    // The file names paths relative to the run folder, so that a moved or served folder stays consistent.
    const inRun = (file: string | null) => (file === null ? null : nodePath.relative(run.root, file));
    const written = { ...summary, lastCheckpoint: inRun(lastCheckpoint), lastSamples: inRun(lastSamples) };
    await writeFileAtomic(run.summary, `${JSON.stringify(written, null, 2)}\n`);
    return summary;
  } finally {
    options.progress?.stop();
  }
}

// A non-finite loss: the training data is finite (bytes scaled to [−1, 1], or drawn 2D points), so the cause is
// the optimisation. Suggest gradient
// clipping only when it is off.
function divergenceMessage(config: TrainConfig, step: number, loss: number): string {
  const clip = config.gradClip == null ? 'or set gradClip (e.g. 1)' : `or lower gradClip (now ${config.gradClip})`;
  return `training diverged at step ${step}: the loss is ${loss}. Lower lr (now ${config.lr}) ${clip}.`;
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
        seed: streamSeed(config.seed, SAMPLE_STREAM),
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

// What a run folder holds besides its lock; any of them means a run was (or is being) written there.
const RUN_ENTRIES = ['config.json', 'metrics.jsonl', 'summary.json', 'checkpoints', 'samples', 'trajectories'];

/** Shared with the energy-model trainer (same run-folder contract). */
export async function refuseToOverwrite(run: RunFolder): Promise<void> {
  const checkpoints = await listCheckpoints(run.checkpoints);
  if (checkpoints.length > 0) {
    throw new CliError(`${run.root} already holds a training run (checkpoints found). Use --resume to continue it, or choose another --out.`);
  }
  const present = (await fs.readdir(run.root).catch(() => [] as string[])).filter((e) => RUN_ENTRIES.includes(e));
  if (present.length > 0) {
    // A killed run that saved no checkpoint: nothing to resume, and appending to its log would mix two runs.
    throw new CliError(
      `${run.root} holds files of an earlier run (${present.join(', ')}) but no checkpoint, so it cannot be resumed ` +
        `(was it killed before its first checkpoint?). Delete the folder or choose another --out.`,
    );
  }
}

/** Shared with the energy-model trainer (same run-folder contract). */
export async function assertRunFolderExists(run: RunFolder): Promise<void> {
  const stat = await fs.stat(run.root).catch(() => null);
  if (stat?.isDirectory() !== true) throw new CliError(`Cannot resume ${run.root}: no such run folder. Start the run without --resume.`);
}

/** Shared with the energy-model trainer (same run-folder contract). */
export async function createRunFolder(run: RunFolder): Promise<void> {
  await fs.mkdir(run.root, { recursive: true }).catch((e: unknown) => {
    throw new CliError(`Cannot create the run folder ${run.root}: ${describeFsError(e)}`, 1);
  });
}

// Checkpoint folders half-written by a killed run (saveCheckpoint writes `.tmp-*` and renames it when complete).
// Only called while holding the run's lock, so no live writer owns them.
/** Shared with the energy-model trainer (same run-folder contract). */
export async function removeStaleTemporaries(run: RunFolder): Promise<void> {
  const entries = await fs.readdir(run.checkpoints).catch(() => [] as string[]);
  for (const e of entries.filter((name) => name.startsWith('.tmp-'))) {
    await fs.rm(nodePath.join(run.checkpoints, e), { recursive: true, force: true });
  }
}

// The data's point shape against the network's input, checked before the run folder is created (a mismatch
// would otherwise surface inside the first training step).
function checkDataFitsNetwork(config: TrainConfig, data: TrainingData): void {
  const resolved = resolveNetworkConfig(config.network as never) as { name: string; dim?: number; imageSize?: readonly number[]; channels?: number; network?: { dim?: number } };
  const expected =
    resolved.imageSize != null ? [...resolved.imageSize, resolved.channels ?? 1] : resolved.dim != null ? [resolved.dim] : resolved.network?.dim != null ? [resolved.network.dim] : undefined;
  if (expected == null) return;
  const got = [...data.pointShape];
  if (expected.length !== got.length || expected.some((d, i) => d !== got[i])) {
    const fields = resolved.imageSize != null ? 'network.imageSize and network.channels' : 'network.dim';
    throw new CliError(
      `The data (${data.description}) has points of shape [${got.join(', ')}] but the network takes [${expected.join(', ')}]; ` +
        `set ${fields} to match the data.`,
    );
  }
}

/**
 * The saved config of a run to resume, after checking that its latest checkpoint belongs to it: the checkpoint's
 * folder name matches the step inside it, and its config is the run's (all but `steps`). Nothing is written.
 */
export async function resumedConfig<C extends { readonly steps: number }>(run: RunFolder, requested: C): Promise<C> {
  const savedText = await fs.readFile(run.config, 'utf8').catch((e: unknown) => {
    throw new CliError(`Cannot resume ${run.root}: cannot read its config.json (${describeFsError(e)}); is it a run folder?`);
  });
  let saved: C;
  try {
    saved = JSON.parse(savedText) as C;
  } catch (e) {
    throw new CliError(`Cannot resume ${run.root}: its config.json is not valid JSON (${(e as Error).message})`);
  }
  const info = await readCheckpoint(run.checkpoints).catch((e: unknown) => {
    throw new CliError(`Cannot resume ${run.root}: ${(e as Error).message}`);
  });
  const folder = nodePath.basename(info.path);
  if (folder !== run.stepName(info.step)) {
    throw new CliError(
      `Cannot resume ${run.root}: checkpoint folder ${folder} holds step ${info.step} (expected ${run.stepName(info.step)}); ` +
        'it was renamed or copied from another run. Restore the run\'s own checkpoint or start a new run.',
    );
  }
  if (info.config == null) {
    throw new CliError(`Cannot resume ${run.root}: checkpoint ${folder} records no config, so it cannot be matched to this run.`);
  }
  // Either may be saved before `name` (older keys `kind`, `parameterisation`): compared under the current keys.
  const differences = jsonDifferences({ ...withCurrentKeys(info.config as object), steps: 0 }, { ...withCurrentKeys(saved), steps: 0 });
  if (differences.length > 0) {
    throw new CliError(
      `Cannot resume ${run.root}: checkpoint ${folder} does not belong to this run; it differs from config.json in ` +
        `${differences.slice(0, 5).join('; ')}${differences.length > 5 ? `; and ${differences.length - 5} more` : ''}. ` +
        'Resume the run it came from, or restore this run\'s own checkpoints.',
    );
  }
  // Only the length of the run may change on resume (longer or shorter); anything else would not be the same run.
  return { ...withCurrentKeys(saved), steps: requested.steps };
}

/** Where two JSON values differ: `network.width: 32 in the checkpoint, 16 in config.json`. */
function jsonDifferences(checkpoint: unknown, run: unknown, path = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object';
  if (isObject(checkpoint) && isObject(run) && Array.isArray(checkpoint) === Array.isArray(run)) {
    const keys = [...new Set([...Object.keys(checkpoint), ...Object.keys(run)])];
    return keys.flatMap((k) => jsonDifferences(checkpoint[k], run[k], path === '' ? k : `${path}.${k}`));
  }
  const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
  return JSON.stringify(checkpoint) === JSON.stringify(run) ? [] : [`${path}: ${show(checkpoint)} in the checkpoint, ${show(run)} in config.json`];
}

/** Shared with the energy-model trainer (same run-folder contract). */
export async function truncateMetrics(path: string, step: number): Promise<void> {
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
