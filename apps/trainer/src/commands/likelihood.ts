import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import * as nodePath from 'node:path';
import { Rng } from '@scorekit/core';
import { ensureDir, saveNpy } from '@scorekit/core/node';
import { loadFashionMnist, loadMnist } from '@scorekit/data/node';
import { dequantize, likelihood } from '@scorekit/samplers';
import { THREADS_HELP, useBackend, useThreads } from '../backend.js';
import { CliError } from '../errors.js';
import { checkOutputFile } from '../outputPath.js';
import { parseSeedFlag } from '../seeds.js';
import { createTaskProgress } from '../taskProgress.js';
import { readNpyFile, runTask } from '../io.js';
import { dataTensor, openScoreSource } from '../scoreSource.js';
import { LIKELIHOOD_DATASETS, likelihoodFlagProblems } from './likelihoodFlagChecks.js';
import type { ScoreSourceFlags } from '../scoreSource.js';

interface LikelihoodFlags extends ScoreSourceFlags {
  /** --threads: threads of the wasm kernels (1 or 2). */
  readonly threads?: string;
  readonly data?: string;
  readonly dataset?: string;
  readonly count: string;
  readonly out?: string;
  readonly seed: string;
  readonly estimator?: string;
  readonly rtol?: string;
  readonly atol?: string;
  readonly dequantize?: boolean;
  readonly backend?: string;
}

/**
 * Registers `scorekit likelihood`: the exact log-likelihood (probability-flow ODE) of data under a checkpoint or an
 * analytic mixture, per sample to `--out logp.npy` (bits/dim beside it as `<out>.bpd.npy`), means printed.
 * Images are dequantised (score_sde) and reported with the discrete-data bits/dim offset.
 *
 * @example
 * registerLikelihoodCommand(program); // scorekit likelihood --score analytic:mix.json --data x.npy --out logp.npy
 */
export function registerLikelihoodCommand(program: Command): void {
  program
    .command('likelihood')
    .description('log-likelihood and bits/dim of data under a checkpoint or an analytic mixture')
    .option('--checkpoint <path>', 'run folder (or its checkpoints folder)')
    .option('--step <n>', 'which checkpoint (default: latest)')
    .option('--no-ema', 'use the raw training weights instead of the EMA')
    .option('--score <spec>', 'analytic:<mixture.json>')
    .option('--sde <name>', 'SDE for an analytic score (default vp)')
    .option('--data <file>', 'data as .npy [n, ...dims] (images in [−1, 1])')
    .option('--dataset <name>', `instead of --data: ${LIKELIHOOD_DATASETS.join(', ')} (mnist:test: digits held out of training)`)
    .option('--count <n>', 'with --dataset: how many', '100')
    .option('--out <file>', 'per-sample log p (nats) as .npy; bits/dim go to <out>.bpd.npy')
    .option('--seed <n>', 'seed of the Hutchinson probes and dequantisation noise', '0')
    .option('--estimator <name>', 'divergence: exact, hutchinson or auto')
    .option('--rtol <x>', 'ODE relative tolerance (default 1e-5)')
    .option('--atol <x>', 'ODE absolute tolerance (default 1e-5)')
    .option('--no-dequantize', 'images: do not dequantise (continuous density, no offset)')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu')
    .option('--threads <n>', THREADS_HELP)
    .option('--json', 'the result line on stdout is JSON (always so; accepted like every command\'s --json)')
    .action(async (flags: LikelihoodFlags) => {
      await runLikelihood(flags);
    });
}

async function runLikelihood(flags: LikelihoodFlags): Promise<void> {
  // Every cheap flag is checked at once, before anything is read or written: one report lists all problems.
  const problems = likelihoodFlagProblems(flags);
  if (problems.length > 0) throw CliError.fromProblems('Invalid flags', problems);
  const seed = parseSeedFlag(flags.seed);
  const estimator = flags.estimator ?? 'auto';
  const solve = { ...(flags.rtol != null ? { rtol: Number(flags.rtol) } : {}), ...(flags.atol != null ? { atol: Number(flags.atol) } : {}) };
  if (flags.out != null) await checkOutputFile(flags.out, '--out');
  const raw = flags.data != null ? await runTask(readNpyFile(flags.data, '--data')) : await datasetArray(flags.dataset!, flags.count);
  await useBackend(flags.backend);
  await useThreads(flags.threads);
  const source = await openScoreSource(flags);
  const x0 = dataTensor(raw, source.pointShape, flags.data != null ? `--data ${flags.data}` : `--dataset ${flags.dataset}`);
  let x = x0;
  let offset = 0;
  const rng = new Rng(seed);
  if (source.images && flags.dequantize !== false) {
    // Images in [−1, 1] back to their 8-bit pixels, then uniform dequantisation (score_sde run_lib.py).
    const pixels = tf.tidy(() => tf.round(tf.mul(tf.add(tf.clipByValue(x0, -1, 1), 1), 127.5)));
    const d = dequantize(pixels, rng);
    pixels.dispose();
    x = d.x;
    offset = d.offset;
  }
  // RK45 reports progress as thousandths of the time span; the NFE so far comes from counting score calls.
  let nfe = 0;
  const counted: typeof source.score = (xt, t) => {
    nfe++;
    return source.score(xt, t);
  };
  const progress = createTaskProgress('likelihood (rk45)', { unit: '‰ of [ε, T]' });
  try {
    const result = await likelihood(x, {
      score: counted,
      sde: source.sde,
      estimator: estimator as 'exact' | 'hutchinson' | 'auto',
      rng,
      bitsPerDimOffset: offset,
      onProgress: (done, total) => progress.update(done, total, `NFE ${nfe}`),
      ...solve,
    }).finally(() => progress.stop());
    try {
      const logp = (await result.logp.data()) as Float32Array;
      const bpd = (await result.bitsPerDim.data()) as Float32Array;
      if (flags.out != null) {
        await ensureDir(nodePath.dirname(nodePath.resolve(flags.out)));
        await saveNpy(flags.out, result.logp);
        await saveNpy(flags.out.replace(/\.npy$/i, '.bpd.npy'), result.bitsPerDim);
      }
      const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
      process.stdout.write(
        `${JSON.stringify({ n: logp.length, meanLogp: mean(logp), meanBitsPerDim: mean(bpd), bitsPerDimOffset: offset, nfe: result.nfe, out: flags.out ?? null, source: source.description })}\n`,
      );
    } finally {
      tf.dispose([result.logp, result.bitsPerDim, result.priorLogp, result.deltaLogp, result.latents]);
    }
  } finally {
    if (x !== x0) x.dispose();
    x0.dispose();
    source.dispose();
  }
}

export { LIKELIHOOD_DATASETS } from './likelihoodFlagChecks.js';

async function datasetArray(name: string, countFlag: string): Promise<{ data: Float32Array; shape: number[] }> {
  if (!(LIKELIHOOD_DATASETS as readonly string[]).includes(name)) {
    throw new CliError(`Unknown --dataset '${name}'. Allowed: ${LIKELIHOOD_DATASETS.join(', ')} (or give --data <x.npy>)`);
  }
  const count = Number(countFlag);
  if (!Number.isInteger(count) || count < 1) throw new CliError(`--count must be an integer ≥ 1, got '${countFlag}'`);
  const split = name.endsWith(':test') ? 'test' : 'train';
  let ds;
  try {
    ds = name.startsWith('fashion-mnist') ? await loadFashionMnist({ split, count }) : await loadMnist({ split, count });
  } catch (e) {
    throw new CliError(`--dataset ${name}: ${(e as Error).message}`);
  }
  return { data: ds.images, shape: [...ds.shape] };
}
