import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { useBackend, useThreads } from '../backend.js';
import { parseTrainConfig } from '../config.js';
import type { TrainConfig } from '../config.js';
import { CliError, formatProblems, type ConfigProblem } from '../errors.js';
import { readJsonFile, runTask } from '../io.js';
import { ALL_PRESET_NAMES, ENERGY_PRESETS, TRAIN_PRESETS } from '../presets.js';
import { isEnergyConfig, parseEnergyConfig } from '../energyConfig.js';
import type { EnergyTrainConfig } from '../energyConfig.js';
import { trainEnergyModel } from '../trainEnergyModel.js';
import { createProgress } from '../progress.js';
import { trainModel } from '../trainModel.js';
import { runFolder } from '../runFolder.js';
import { setExitCode } from '../exitStatus.js';
import { checkOutputFolder } from '../outputPath.js';
import { parseSeedFlag } from '../seeds.js';
import { withCurrentKeys } from '../savedConfig.js';

/** Flags of `scorekit train` as commander parses them (all strings; validated with the config). */
export interface TrainFlags {
  readonly preset?: string;
  readonly config?: string;
  readonly out?: string;
  readonly resume?: boolean;
  readonly backend?: string;
  readonly threads?: string;
  readonly minutes?: string;
  readonly dataset?: string;
  readonly sde?: string;
  readonly objective?: string;
  readonly sampler?: string;
  readonly steps?: string;
  readonly batchSize?: string;
  readonly lr?: string;
  readonly warmup?: string;
  readonly gradClip?: string;
  readonly ema?: string;
  readonly seed?: string;
  /** Print the run's summary (as in summary.json) as JSON on stdout. */
  readonly json?: boolean;
  readonly logEvery?: string;
  readonly sampleEvery?: string;
  readonly checkpointEvery?: string;
  readonly sampleCount?: string;
}

const NUMERIC_FLAGS = {
  steps: 'steps',
  batchSize: 'batchSize',
  lr: 'lr',
  warmup: 'warmup',
  gradClip: 'gradClip',
  ema: 'emaDecay',
  seed: 'seed',
  logEvery: 'logEvery',
  sampleEvery: 'sampleEvery',
  checkpointEvery: 'checkpointEvery',
  sampleCount: 'sampleCount',
} as const;

/**
 * Registers `scorekit train`: a preset, a JSON config file and flags are merged (flags win), validated with every
 * problem reported at once, and trained into a run folder.
 *
 * @example
 * registerTrainCommand(program); // scorekit train --preset 2d --out runs/demo
 */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a score model, or an energy model (name: rbm, hopfield, ebm-cd), into a run folder (config.json, metrics.jsonl, checkpoints/, samples/, …)')
    .option('--preset <name>', `start from a preset: ${ALL_PRESET_NAMES.join(', ')}`)
    .option('--config <file>', 'JSON config file (fields as in config.json; see README)')
    .option('--out <dir>', 'run folder', undefined)
    .option('--resume', 'continue the run in --out from its latest checkpoint')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu (default: SCOREKIT_BACKEND or auto)')
    .option('--threads <n>', 'threads of the wasm kernels: 1, or 2 (a worker on the second core; default SCOREKIT_WASM_THREADS or 1)')
    .option('--json', 'print the summary (as summary.json, paths absolute) as one JSON line on stdout')
    .option('--minutes <m>', 'stop after m minutes of training (a checkpoint is saved; --resume continues), e.g. 15')
    .option('--dataset <name>', 'data set name')
    .option('--sde <name>', 'SDE name')
    .option('--objective <name>', 'objective name')
    .option('--sampler <name>', 'sampler for the periodic samples')
    .option('--steps <n>', 'training steps')
    .option('--batch-size <n>', 'batch size')
    .option('--lr <x>', 'learning rate after warm-up')
    .option('--warmup <n>', 'linear learning-rate warm-up steps')
    .option('--grad-clip <x>', "clip gradients to this global norm ('none' for no clipping)")
    .option('--ema <d>', 'EMA decay')
    .option('--seed <n>', 'seed of all randomness')
    .option('--log-every <n>', 'metrics line every n steps')
    .option('--sample-every <n>', 'draw samples every n steps')
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps')
    .option('--sample-count <n>', 'samples per periodic draw')
    .action(async (flags: TrainFlags) => {
      setExitCode(await runTrain(flags));
    });
}

/**
 * Merges preset, config file and flags into a raw config (not yet validated), as a task: the preset's and the
 * file's problems are its `CliError`.
 *
 * @example
 * const raw = await runTask(mergeTrainInputs({ preset: '2d', steps: '500' }));
 */
export function mergeTrainInputs(flags: TrainFlags): TE.TaskEither<CliError, Record<string, unknown>> {
  if (flags.preset != null && !ALL_PRESET_NAMES.includes(flags.preset)) {
    return TE.left(CliError.fromProblems('Invalid flags', [{ field: '--preset', message: `unknown preset '${flags.preset}'`, allowed: ALL_PRESET_NAMES }]));
  }
  if (flags.preset == null && flags.config == null && flags.resume !== true) {
    return TE.left(new CliError(`scorekit train needs --preset (${ALL_PRESET_NAMES.join(', ')}) or --config <file>`));
  }
  const presets = { ...TRAIN_PRESETS, ...ENERGY_PRESETS } as Record<string, unknown>;
  const preset = flags.preset != null ? (structuredClone(presets[flags.preset]) as Record<string, unknown>) : {};
  const file: TE.TaskEither<CliError, Record<string, unknown>> =
    flags.config == null
      ? TE.right({})
      : pipe(
          readJsonFile(flags.config, '--config'),
          TE.chainEitherK((value) =>
            value != null && typeof value === 'object' && !Array.isArray(value)
              ? E.right(value as Record<string, unknown>)
              : E.left(new CliError(`--config file ${flags.config} must hold a JSON object`)),
          ),
        );
  return pipe(
    file,
    TE.map((fromFile) => withFlags(flags, { ...preset, ...fromFile })),
  );
}

// Flags win over the preset and the file.
function withFlags(flags: TrainFlags, merged: Record<string, unknown>): Record<string, unknown> {
  const raw = { ...merged };
  for (const [flag, field] of Object.entries(NUMERIC_FLAGS)) {
    const v = flags[flag as keyof TrainFlags];
    if (typeof v === 'string') raw[field] = flag === 'gradClip' && v === 'none' ? null : toNumber(v);
  }
  if (flags.dataset != null) raw.dataset = { ...(asObject(raw.dataset) ?? {}), name: flags.dataset };
  for (const k of ['sde', 'objective', 'sampler'] as const) {
    const v = flags[k];
    if (v != null) raw[k] = asObject(raw[k])?.name === v ? raw[k] : { name: v };
  }
  return raw;
}

/**
 * The run's config as one task, composed end to end with fp-ts: a new run's inputs are read, merged and validated
 * (every problem of the config at once), a resumed run's saved config is read and its `--steps` checked; the
 * command folds it once.
 *
 * @example
 * const config = await runTask(trainConfigTask({ preset: '2d', out: 'runs/a' }));
 */
export function trainConfigTask(flags: TrainFlags & { readonly out: string }): TE.TaskEither<CliError, TrainConfig | EnergyTrainConfig> {
  if (flags.resume === true) {
    // The run folder's own config is used (trainModel checks the checkpoint against it); only --steps may change.
    return pipe(
      readJsonFile(runFolder(flags.out).config, '--resume run folder'),
      TE.chainEitherK((value) => {
        // Run folders saved before `name` hold the older keys; the run goes on under the current ones.
        const saved = withCurrentKeys(value) as TrainConfig;
        const steps = flags.steps != null ? toNumber(flags.steps) : saved.steps;
        return typeof steps === 'number' && Number.isInteger(steps) && steps >= 1
          ? E.right({ ...saved, steps })
          : E.left(CliError.fromProblems('Invalid flags', [{ field: '--steps', message: `must be an integer ≥ 1, got '${flags.steps}'` }]));
      }),
    );
  }
  return pipe(
    mergeTrainInputs(flags),
    TE.chainEitherK((raw) =>
      pipe(
        // A config with a top-level `name` (`kind` before) is an energy model (rbm, hopfield, ebm-cd); score-model configs have none.
        isEnergyConfig(raw) ? parseEnergyConfig(raw) : (parseTrainConfig(raw) as E.Either<ConfigProblem[], TrainConfig | EnergyTrainConfig>),
        E.mapLeft((problems) => new CliError(`Invalid training config:\n${formatProblems(problems)}`, 2, problems)),
      ),
    ),
  );
}

// The flags that describe the run itself: with --resume the run's saved config is used, so giving one of them
// would be ignored silently; they are refused instead. Only --steps (the run's length) may change.
const RUN_DEFINING_FLAGS = ['preset', 'config', 'dataset', 'sde', 'objective', 'sampler', ...Object.keys(NUMERIC_FLAGS).filter((k) => k !== 'steps')] as const;

// Signals that end a process and are answered as Ctrl-C is: finish the step, save a checkpoint and the summary.
// SIGTERM is what a container orchestrator or `kill` sends, SIGHUP a closed terminal. Exit 128 + signal number.
const STOPPING_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

async function runTrain(flags: TrainFlags): Promise<number> {
  const out = flags.out;
  if (out == null) throw new CliError('scorekit train needs --out <dir> (the run folder)');
  if (flags.resume === true) {
    const ignored = RUN_DEFINING_FLAGS.filter((k) => flags[k as keyof TrainFlags] != null).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    if (ignored.length > 0) {
      throw new CliError(
        `--resume continues the run with its saved config (${out}/config.json); ${ignored.join(', ')} would be ignored. ` +
          'Only --steps may change on resume; start a new run (another --out) to change anything else.',
      );
    }
  }
  if (flags.seed != null) parseSeedFlag(flags.seed);
  await checkOutputFolder(out, '--out');
  // The backend comes first: the config's memory check sizes the network for it.
  const choice = await useBackend(flags.backend);
  await useThreads(flags.threads);
  const config = await runTask(trainConfigTask({ ...flags, out }));
  let budget: number | undefined;
  if (flags.minutes != null) {
    budget = Number(flags.minutes) * 60;
    if (!(budget > 0) || !Number.isFinite(budget)) {
      throw CliError.fromProblems('Invalid flags', [{ field: '--minutes', message: `must be a number > 0, got '${flags.minutes}'` }]);
    }
  }
  const controller = new AbortController();
  const timer = budget != null ? setTimeout(() => {
    process.stderr.write(`\n--minutes ${flags.minutes}: time is up; finishing this step and saving a checkpoint\n`);
    controller.abort();
  }, budget * 1000) : undefined;
  let stoppedBy: keyof typeof STOPPING_SIGNALS | undefined;
  const handlers = Object.keys(STOPPING_SIGNALS).map((name) => {
    const signal = name as keyof typeof STOPPING_SIGNALS;
    const handler = () => {
      if (controller.signal.aborted && stoppedBy != null) process.exit(STOPPING_SIGNALS[signal]); // a second signal leaves at once
      stoppedBy = signal;
      const what = signal === 'SIGINT' ? 'Ctrl-C' : signal;
      process.stderr.write(`\n${what}: finishing this step and saving a checkpoint (${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to quit now)\n`);
      controller.abort();
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const progress = createProgress({ total: Math.max(config.steps, 1), ...(budget != null ? { timeBudgetSeconds: budget } : {}) });
  try {
    const trainOptions = {
      runDir: out,
      resume: flags.resume === true,
      signal: controller.signal,
      progress,
      log: (line: string) => progress.log(line),
      backend: choice.name,
    };
    const summary = isEnergyConfig(config)
      ? await trainEnergyModel(config as EnergyTrainConfig, trainOptions)
      : await trainModel(config as TrainConfig, trainOptions);
    process.stderr.write(
      `${summary.status} at step ${summary.step}/${summary.steps}: loss ${summary.finalLoss?.toPrecision(4) ?? '-'}, ` +
        `${summary.stepsPerSec.toFixed(1)} steps/s\n` +
        `  run folder: ${out}\n  checkpoint: ${summary.lastCheckpoint ?? '-'}\n  samples:    ${summary.lastSamples ?? '-'}\n`,
    );
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ runFolder: out, ...summary })}\n`);
    // A signal exits 128 + its number; the end of a --minutes budget is a normal end (0).
    return summary.status === 'interrupted' && stoppedBy != null ? STOPPING_SIGNALS[stoppedBy] : 0;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}

function toNumber(v: string): number | string {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : v;
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v != null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
