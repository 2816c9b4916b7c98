import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import * as nodePath from 'node:path';
import { Rng } from '@scorekit/core';
import { ensureDir, saveNpy, writeFileAtomic } from '@scorekit/core/node';
import { decode, encode, slerp } from '@scorekit/samplers';
import type { ScoreFn } from '@scorekit/sde';
import { THREADS_HELP, useBackend, useThreads } from '../backend.js';
import { CliError } from '../errors.js';
import { checkOutputFile } from '../outputPath.js';
import { imageGridPng, scatterPng } from '../png.js';
import { readPoints } from '../pointArrays.js';
import { openScoreSource } from '../scoreSource.js';
import type { ScoreSource, ScoreSourceFlags } from '../scoreSource.js';
import { parseSeedFlag } from '../seeds.js';
import { createTaskProgress } from '../taskProgress.js';
import { parseSampleOutputs } from './sampleFlagChecks.js';

interface InterpolateFlags extends ScoreSourceFlags {
  /** --threads: threads of the wasm kernels (1 or 2). */
  readonly threads?: string;
  readonly from?: string;
  readonly to?: string;
  readonly seeds?: string;
  readonly count: string;
  readonly rtol: string;
  readonly atol: string;
  readonly out?: string[] | string;
  readonly backend?: string;
}

/**
 * Registers `scorekit interpolate`: a strip of `--count` points between two data points (`--from`, `--to`: numbers,
 * .npy or .png) or two seeds (`--seeds a,b`: the samples the ODE draws from those prior latents), through the
 * probability-flow ODE's latent space — encode both ends with the ODE, interpolate spherically in the prior
 * (slerp), decode every point. Writes the strip as .npy [count, m, ...dims] and/or a PNG (images: one row per
 * pair; 2D: a scatter over the density). Progress per ODE pass on stderr.
 *
 * @example
 * registerInterpolateCommand(program); // scorekit interpolate --checkpoint runs/mnist --seeds 1,2 --out strip.png
 */
export function registerInterpolateCommand(program: Command): void {
  program
    .command('interpolate')
    .description("interpolate between two points or two seeds through the probability-flow ODE's latent space (slerp in the prior)")
    .option('--checkpoint <path>', 'run folder (or its checkpoints folder)')
    .option('--step <n>', 'which checkpoint (default: latest)')
    .option('--no-ema', 'use the raw training weights instead of the EMA')
    .option('--score <spec>', 'analytic:<mixture.json> — exact score of a Gaussian mixture')
    .option('--sde <name>', 'SDE for an analytic score (default vp)')
    .option('--from <point>', 'first end: numbers x,y,… (2D), a .npy of one point or m points, or a .png image')
    .option('--to <point>', 'last end, as --from (the same number of points)')
    .option('--seeds <a,b>', 'instead of --from/--to: the samples decoded from the prior latents of seeds a and b')
    .option('--count <k>', 'points along the strip, ends included', '8')
    .option('--rtol <x>', 'RK45 relative tolerance of the ODE (score_sde)', '1e-5')
    .option('--atol <x>', 'RK45 absolute tolerance of the ODE (score_sde)', '1e-5')
    .option('--out <files...>', 'output: .npy [count, m, ...dims], .png strip, or one of each')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu')
    .option('--threads <n>', THREADS_HELP)
    .option('--json', 'the result line on stdout is JSON (always so; accepted like every command\'s --json)')
    .action(async (flags: InterpolateFlags) => {
      await runInterpolate(flags);
    });
}

async function runInterpolate(flags: InterpolateFlags): Promise<void> {
  const problems: string[] = [];
  const outputs = parseSampleOutputs(flags.out);
  const count = Number(flags.count);
  if (!Number.isInteger(count) || count < 2) problems.push(`--count must be an integer ≥ 2 (the two ends included), got '${flags.count}'`);
  for (const [flag, v] of [['--rtol', flags.rtol], ['--atol', flags.atol]] as const) {
    const x = Number(v);
    if (!(Number.isFinite(x) && x > 0)) problems.push(`${flag} must be a number > 0, got '${v}'`);
  }
  const byPoints = flags.from != null || flags.to != null;
  let seeds: [number, number] | undefined;
  if (byPoints === (flags.seeds != null)) problems.push('give either --from <point> --to <point> or --seeds a,b');
  else if (byPoints && (flags.from == null || flags.to == null)) problems.push('--from and --to go together');
  else if (flags.seeds != null) {
    const parts = flags.seeds.split(',');
    if (parts.length !== 2) problems.push(`--seeds must be two seeds a,b, got '${flags.seeds}'`);
    else {
      try {
        seeds = [parseSeedFlag(parts[0]!.trim(), '--seeds'), parseSeedFlag(parts[1]!.trim(), '--seeds')];
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  }
  if (problems.length > 0) throw new CliError(problems.length === 1 ? problems[0]! : `Invalid interpolate flags:\n  - ${problems.join('\n  - ')}`);
  for (const file of [outputs.npy, outputs.png]) if (file != null) await checkOutputFile(file, '--out');
  await useBackend(flags.backend);
  await useThreads(flags.threads);
  const source = await openScoreSource(flags);
  try {
    if (!source.unconditionalTrained) {
      // The ODE follows the model without a class, an input this checkpoint never saw in training.
      throw new CliError(`${source.description} is class-conditional and was trained without label dropout: it has no trained unconditional score to interpolate with (train with "labelDropout": 0.1–0.2)`);
    }
    const shape = source.pointShape;
    const is2d = shape.length === 1 && shape[0] === 2;
    if (outputs.png != null && !is2d && !source.images) {
      throw new CliError(`--out ${outputs.png}: PNG output needs 2D points or images; these are ${shape.join('×')} — use .npy`);
    }
    // Both ends are read and checked before any ODE is solved.
    let ends: { from: Float32Array; to: Float32Array; m: number } | undefined;
    if (byPoints) {
      const a = await readPoints('--from', flags.from!, shape);
      const b = await readPoints('--to', flags.to!, shape);
      if (a.count !== b.count) throw new CliError(`--from has ${a.count} point(s) and --to ${b.count}; give the same number (pairs are interpolated row by row)`);
      ends = { from: a.values, to: b.values, m: a.count };
    }
    const solver = { rtol: Number(flags.rtol), atol: Number(flags.atol) };
    const result = await strip(source, count, solver, ends, seeds);
    try {
      await writeStrip(result.path, count, result.m, source, outputs, is2d);
      const out = outputs.npy != null && outputs.png != null ? [outputs.npy, outputs.png] : (outputs.npy ?? outputs.png)!;
      process.stdout.write(`${JSON.stringify({ out, count, pairs: result.m, nfe: result.nfe, source: source.description })}\n`);
    } finally {
      result.path.dispose();
    }
  } finally {
    source.dispose();
  }
}

// Encodes the ends (points) or draws them in the prior (seeds), slerps, decodes; path is [count, m, ...dims].
async function strip(
  source: ScoreSource,
  count: number,
  solver: { rtol: number; atol: number },
  ends: { from: Float32Array; to: Float32Array; m: number } | undefined,
  seeds: [number, number] | undefined,
): Promise<{ path: tf.Tensor; m: number; nfe: number }> {
  const shape = source.pointShape;
  let nfe = 0;
  const score: ScoreFn = (x, t) => {
    nfe++;
    return source.score(x, t);
  };
  const pass = async <T>(label: string, run: (onProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> => {
    const progress = createTaskProgress(`interpolate: ${label}`, { unit: '‰ of [ε, T]' });
    try {
      return await run((done, total) => progress.update(done, total, `NFE ${nfe}`));
    } finally {
      progress.stop();
    }
  };
  let z0: tf.Tensor;
  let z1: tf.Tensor;
  let m: number;
  if (ends != null) {
    m = ends.m;
    const both = tf.tensor([...ends.from, ...ends.to], [2 * m, ...shape]);
    const { latents } = await pass('encode', (onProgress) => encode(both, { score, sde: source.sde, ...solver, onProgress }));
    both.dispose();
    [z0, z1] = tf.split(latents, 2, 0) as [tf.Tensor, tf.Tensor];
    latents.dispose();
  } else {
    m = 1;
    z0 = source.sde.priorSample([1, ...shape], new Rng(seeds![0]));
    z1 = source.sde.priorSample([1, ...shape], new Rng(seeds![1]));
  }
  const zs = tf.tidy(() => tf.concat(Array.from({ length: count }, (_, k) => slerp(z0, z1, k / (count - 1))), 0));
  tf.dispose([z0, z1]);
  try {
    const { samples } = await pass('decode', (onProgress) => decode(zs, { score, sde: source.sde, ...solver, onProgress }));
    const path = tf.reshape(samples, [count, m, ...shape]);
    samples.dispose();
    return { path, m, nfe };
  } finally {
    zs.dispose();
  }
}

async function writeStrip(path: tf.Tensor, count: number, m: number, source: ScoreSource, outputs: { npy?: string; png?: string }, is2d: boolean): Promise<void> {
  const values = (await path.data()) as Float32Array;
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new CliError(`the ODE diverged: value ${values[bad]} at flat index ${bad}; nothing was written. Try a smaller --rtol/--atol.`, 1);
  for (const file of [outputs.npy, outputs.png]) if (file != null) await ensureDir(nodePath.dirname(nodePath.resolve(file)));
  if (outputs.npy != null) await saveNpy(outputs.npy, values, [count, m, ...source.pointShape], 'float32');
  if (outputs.png != null) {
    let bytes: Buffer;
    if (is2d) {
      bytes = scatterPng(values, { size: 512, density: source.density }).png;
    } else {
      // One row per pair: reorder [count, m, ...] to [m, count, ...] for the grid.
      const per = source.pointShape.reduce((a, b) => a * b, 1);
      const rows = new Float32Array(values.length);
      for (let k = 0; k < count; k++) for (let j = 0; j < m; j++) rows.set(values.subarray((k * m + j) * per, (k * m + j + 1) * per), (j * count + k) * per);
      const [h, w, c] = source.pointShape as [number, number, number];
      bytes = imageGridPng(rows, [count * m, h, w, c], { cols: count, scale: h < 64 ? 2 : 1 });
    }
    await writeFileAtomic(outputs.png, bytes);
  }
}
