import type { Command } from 'commander';
import * as A from 'fp-ts/lib/Apply.js';
import * as E from 'fp-ts/lib/Either.js';
import * as RA from 'fp-ts/lib/ReadonlyArray.js';
import * as T from 'fp-ts/lib/Task.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { BackendChoice } from '@scorekit/core';
import { THREADS_HELP, useBackend, useThreads } from '../backend.js';
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
import { trainFlagProblems } from './trainFlagChecks.js';
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
    .option('--threads <n>', THREADS_HELP)
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

/** What `scorekit train` runs once every check has passed. */
export interface TrainRun {
  readonly out: string;
  readonly config: TrainConfig | EnergyTrainConfig;
  readonly backend: BackendChoice;
  /** `--minutes` in seconds, when given. */
  readonly budgetSeconds?: number;
}

type Checked<A> = TE.TaskEither<readonly ConfigProblem[], A>;
const Validation = TE.getApplicativeTaskValidation(T.ApplyPar, RA.getSemigroup<ConfigProblem>());
const validateAll = A.sequenceS(Validation);

/**
 * Everything `scorekit train` checks before any work, composed with fp-ts and folded once: its own flags
 * (`--out`, `--resume`, `--minutes`, `--threads`, `--backend`, `--seed`), the output folder, and the config
 * (preset, file and flags merged, or a resumed run's saved config) — every problem of all of them at once, each
 * with its field and what is allowed, as one `CliError` (exit 2) before anything is written. The backend is chosen
 * first when `--backend` names one (the config's memory check sizes the network for it); `--threads` is applied by
 * the caller once the whole command is valid.
 *
 * @example
 * const run = await runTask(trainRunTask({ preset: '2d', out: 'runs/a', minutes: '15' }));
 */
export function trainRunTask(flags: TrainFlags, chooseBackend: (flag: string | undefined) => Promise<BackendChoice> = useBackend): TE.TaskEither<CliError, TrainRun> {
  const flagProblems = trainFlagProblems(flags as unknown as Record<string, unknown>);
  const bad = (flag: string) => flagProblems.some((p) => p.field === flag);
  const ownFlags: Checked<null> = flagProblems.length > 0 ? TE.left(flagProblems) : TE.right(null);
  const backend: Checked<BackendChoice | null> = bad('--backend')
    ? TE.right(null)
    : TE.tryCatch(() => chooseBackend(flags.backend), (e) => [{ field: '--backend', message: (e as Error).message }]);
  const out: Checked<string> = flags.out == null || bad('--out')
    ? TE.right(flags.out ?? '')
    : TE.tryCatch(async () => (await checkOutputFolder(flags.out!, '--out'), flags.out!), (e) => [{ field: '--out', message: withoutFlag((e as Error).message, '--out') }]);
  // A resumed run's config is read from --out: without a usable --out there is nothing to read (its problem is --out's).
  const config: Checked<TrainConfig | EnergyTrainConfig> = flags.resume === true && (flags.out == null || bad('--out')) ? TE.left([]) : pipe(
    trainConfigTask({ ...flags, out: flags.out ?? '' }),
    // A bad --seed is the flag's problem; the config's copy of it would say the same again.
    TE.mapLeft((e) => problemsOf(e, flags).filter((p) => !(bad('--seed') && p.field === 'seed'))),
  );
  return pipe(
    // The backend first: the config's memory check reads it.
    backend,
    T.chain((chosen) => validateAll({ chosen: T.of(chosen), ownFlags, out, config })),
    TE.mapLeft((problems) => {
      const own = problems.filter((p) => p.field.startsWith('--'));
      const heading = own.length === problems.length ? 'Invalid flags' : own.length === 0 ? 'Invalid training config' : 'Invalid flags and training config';
      return CliError.fromProblems(heading, problems);
    }),
    TE.map(({ chosen, config: c }) => ({
      out: flags.out!,
      config: c,
      backend: chosen!,
      ...(flags.minutes != null ? { budgetSeconds: Number(flags.minutes) * 60 } : {}),
    })),
  );
}

// A CliError's problems, or its message as one problem of the flag it came from.
function problemsOf(e: CliError, flags: TrainFlags): ConfigProblem[] {
  if (e.problems.length > 0) return [...e.problems];
  const field = flags.resume === true ? '--resume' : flags.config != null ? '--config' : '--preset';
  return [{ field, message: e.message }];
}

// "--out x is a file" → "x is a file" under the field --out.
function withoutFlag(message: string, flag: string): string {
  return message.startsWith(`${flag} `) ? message.slice(flag.length + 1) : message;
}

// Signals that end a process and are answered as Ctrl-C is: finish the step, save a checkpoint and the summary.
// SIGTERM is what a container orchestrator or `kill` sends, SIGHUP a closed terminal. Exit 128 + signal number.
const STOPPING_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

async function runTrain(flags: TrainFlags): Promise<number> {
  // Every check of flags, output folder and config at once, before any work; nothing is written until all pass.
  const { out, config, backend: choice, budgetSeconds: budget } = await runTask(trainRunTask(flags));
  await useThreads(flags.threads);
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
