#!/usr/bin/env node
// The `scorekit` command line. Each command lives in src/commands/<name>.ts and exports
// `register<Name>Command(program)`; add one line below to register a new one. Shared edge helpers:
// errors.ts (CliError, problem lists), backend.ts (--backend), progress.ts (progress bar), png.ts (PNG output),
// io.ts (fp-ts TaskEither file reads/writes, .npy and JSON), exitStatus.ts (setExitCode instead of process.exitCode).
import { Command, CommanderError } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeError } from './errors.js';
import { takeExitCode } from './exitStatus.js';
import { registerTrainCommand } from './commands/train.js';
import { registerSampleCommand } from './commands/sample.js';
import { registerLikelihoodCommand } from './commands/likelihood.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerTrainClassifierCommand } from './commands/trainClassifier.js';
import { registerGalleryCommand } from './commands/gallery.js';
import { registerInterpolateCommand } from './commands/interpolate.js';

/**
 * Builds the `scorekit` commander program with every command registered. `runCli` parses and runs it; tests may
 * use `runCli` to run commands in-process (commander errors are thrown, not `process.exit`).
 *
 * @example
 * await createProgram().parseAsync(['node', 'scorekit', 'sample', '--score', 'analytic:mix.json', '--out', 's.npy']);
 */
export function createProgram(options: { exitOverride?: boolean } = {}): Command {
  const program = new Command();
  // Set before the commands are added so that they inherit it: commander then throws instead of exiting.
  if (options.exitOverride === true) program.exitOverride();
  program
    .name('scorekit')
    .description('Train, sample from and evaluate score-based diffusion models (TensorFlow.js).')
    .showHelpAfterError('(run with --help for usage)');
  registerTrainCommand(program);
  registerSampleCommand(program);
  registerLikelihoodCommand(program);
  registerEvalCommand(program);
  registerTrainClassifierCommand(program);
  registerGalleryCommand(program);
  registerInterpolateCommand(program);
  return program;
}

/** The exit code of usage errors and bad input (runtime faults exit 1). */
export const USAGE_ERROR = 2;

// The scorekit packages' errors about what they were given (a file, a config, a checkpoint): bad input, exit 2.
const BAD_INPUT_ERRORS = new Set(['ConfigError', 'DatasetError', 'CheckpointError', 'NpyFormatError', 'TensorFileError', 'ObjectiveConfigError']);

/**
 * Runs the CLI on `argv` (as `process.argv`) and resolves to the exit code: 0 on success, the code of a
 * `CliError` (2 for bad input), 1 for anything else. Errors are printed as one clear message, never a stack trace
 * (set `SCOREKIT_DEBUG=1` for one).
 *
 * @example
 * process.exitCode = await runCli(process.argv);
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = createProgram({ exitOverride: true });
  takeExitCode();
  try {
    await program.parseAsync([...argv]);
    return takeExitCode();
  } catch (e) {
    takeExitCode();
    // Commander already printed the message (or the help). Help and --version exit 0; every usage error (unknown
    // option or command, missing argument) exits 2 as the README promises, where commander would exit 1.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : USAGE_ERROR;
    process.stderr.write(`scorekit: ${describeError(e)}\n`);
    const code = (e as { exitCode?: unknown }).exitCode;
    if (typeof code === 'number') return code;
    return e instanceof Error && BAD_INPUT_ERRORS.has(e.name) ? USAGE_ERROR : 1;
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry == null) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`scorekit: ${describeError(e)}\n`);
      process.exitCode = 1;
    },
  );
}
