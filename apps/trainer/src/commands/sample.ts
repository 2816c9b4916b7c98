import type { Command } from 'commander';
import * as nodePath from 'node:path';
import { ensureDir, saveNpy, writeFileAtomic } from '@scorekit/core/node';
import { THREADS_HELP, useBackend, useThreads } from '../backend.js';
import { CliError } from '../errors.js';
import { assertFitsInMemory } from '../memoryBudget.js';
import { checkOutputFile } from '../outputPath.js';
import { parseSeedFlag } from '../seeds.js';
import { imageGridPng, scatterPng } from '../png.js';
import { createTaskProgress } from '../taskProgress.js';
import type { SampleResult } from '@scorekit/samplers';
import { addSamplerFlags, samplerFlagProblems, samplerFromFlags } from '../samplerOptions.js';
import { openScoreSource } from '../scoreSource.js';
import type { ScoreSourceFlags } from '../scoreSource.js';
import { saveTrajectory } from '../trainModel.js';
import { runFolder } from '../runFolder.js';
import { shardFromFlags, shardRange } from '../shard.js';
import { parseSampleOutputs, sampleFlagProblems } from './sampleFlagChecks.js';
import { sampleByIndex } from './sampleShard.js';
import { energyRunOf, runEnergySample } from './sampleEnergy.js';
import * as fs from 'node:fs/promises';
import { Rng } from '@scorekit/core';
import type { Denoiser } from '@scorekit/sde';
import { conditioningFlagProblems, openConditioning, parseConditioningFlags } from '../conditioning.js';
import type { ConditioningFlags } from '../conditioning.js';
import { sampleSeed } from '../shard.js';
import { streamSeed } from '../seeds.js';
import { batchRanges, batchSeed, defaultSampleBatch } from '../sampleBatches.js';

interface SampleFlags extends ScoreSourceFlags, ConditioningFlags {
  /** --threads: threads of the wasm kernels (1 or 2). */
  readonly threads?: string;
  readonly n: string;
  readonly seed: string;
  readonly out?: string[] | string;
  readonly trajectory?: string;
  readonly backend?: string;
  readonly shard?: string;
  readonly shards?: string;
  readonly batchSize?: string;
  readonly [key: string]: unknown;
}

/**
 * Registers `scorekit sample`: draws samples from a checkpoint or an analytic mixture with any registered sampler
 * and writes them as .npy, as a PNG (image grid, or a scatter plot for 2D), or both from the same draw. Without
 * `--sampler`, a checkpoint is sampled with its run's own sampler (the preset's choice), else DPM-Solver++.
 * Progress (steps, NFE so far, ETA) goes to stderr.
 *
 * @example
 * registerSampleCommand(program); // scorekit sample --checkpoint runs/demo --sampler ode --n 2000 --out s.png
 */
export function registerSampleCommand(program: Command): void {
  const command = program
    .command('sample')
    .description('draw samples from a trained checkpoint (score model, or energy model: Gibbs, recall, Langevin) or an analytic Gaussian mixture')
    .option('--checkpoint <path>', 'run folder (or its checkpoints folder)')
    .option('--step <n>', 'which checkpoint (default: latest)')
    .option('--no-ema', 'use the raw training weights instead of the EMA')
    .option('--score <spec>', 'analytic:<mixture.json> — exact score of a Gaussian mixture')
    .option('--sde <name>', 'SDE for an analytic score (default vp)')
    .option('--n <n>', 'number of samples', '64')
    .option('--batch-size <b>', 'samples drawn at once (default: all n where the network fits in 1 GiB of activations, else the largest power of two that does; batch k > 0 has its own seed from (seed, k))')
    .option('--seed <n>', 'seed', '0')
    .option('--out <files...>', 'output: .npy (samples), .png (grid / scatter), or one of each (the same draw)')
    .option('--class <k|cycle>', 'class of every sample (k), or classes 0, 1, … in turn (cycle): for --classifier, --cfg-scale, or alone on a class-conditional model')
    .option('--label <k|cycle>', 'older name of --class')
    .option('--classifier <dir|analytic>', "classifier guidance: a folder of 'train-classifier --noisy', or analytic (the exact component classifier of --score analytic:)")
    .option('--guidance-scale <w>', 'classifier guidance scale w ≥ 0: score + w·∇ log p(y | x) (default 1, score_sde’s)')
    .option('--cfg-scale <w>', 'classifier-free guidance scale w ≥ 0: (1 + w)·s(x, y) − w·s(x) (diffusers’ guidance_scale = 1 + w)')
    .option('--inpaint <values.npy|png>', 'inpainting: the known values (one sample, or n of them); needs --mask')
    .option('--mask <mask.npy|png>', 'inpainting mask: 1 (white) = known, 0 (black) = fill in; one sample’s shape or n of them')
    .option('--x0-threshold <none|clip|dynamic>', 'x̂₀ clipping to [−1, 1] (diffusers clip_sample) or dynamic thresholding (Imagen); default none (measured: clipping made the mnist preset samples worse)')
    .option('--trajectory <every=k>', 'also save the trajectory every k steps (<out>.trajectory.npy + index)')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu')
    .option('--threads <n>', THREADS_HELP)
    .option('--json', 'the result line on stdout is JSON (always so; accepted like every command\'s --json)')
    .option('--shard <i/N>', 'draw only shard i of N of the --n samples, each from its own seed (seed, index): N shards = one run')
    .option('--shards <N>', 'as --shard, with i from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)')
    .option('--start <from>', 'energy checkpoints: where chains start — random, test (held-out images: rbm, hopfield) or stored (hopfield patterns)')
    .option('--corruption <f>', 'hopfield checkpoints: fraction of each starting state\'s units flipped before recall');
  addSamplerFlags(command);
  command.action(async (flags: SampleFlags) => {
    await runSample(flags);
  });
}

export { parseSampleOutputs } from './sampleFlagChecks.js';

async function runSample(flags: SampleFlags): Promise<void> {
  // Every cheap flag is checked at once, before anything is loaded or written: one report lists all problems.
  // The sampler flags join them when they can be checked alone: with a checkpoint (maybe an energy model's, or a
  // run whose own sampler they amend) they are checked once it is read.
  const problems = [
    ...sampleFlagProblems(flags),
    ...(flags.checkpoint == null ? samplerFlagProblems(flags) : []),
    ...conditioningFlagProblems(flags),
  ];
  if (problems.length > 0) throw CliError.fromProblems('Invalid flags', problems);
  const outputs = parseSampleOutputs(flags.out);
  const n = Number(flags.n);
  const seed = parseSeedFlag(flags.seed);
  const every = flags.trajectory != null ? Number(/^every=(\d+)$/.exec(flags.trajectory)![1]) : 0;
  // An energy model's checkpoint (rbm, hopfield, ebm-cd) samples its own way; score-model flags are refused there.
  if (flags.checkpoint != null) {
    const root = await checkpointsFolder(flags.checkpoint);
    const step = flags.step != null ? Number(flags.step) : 'latest';
    const energy = await energyRunOf(root, step);
    if (energy != null) return runEnergySample(flags, root, step, energy, outputs);
  }
  for (const flag of ['start', 'corruption'] as const) {
    if (flags[flag] != null) throw new CliError(`--${flag} is for energy-model checkpoints (rbm, hopfield, ebm-cd); this is a score model or mixture`);
  }
  const shard = shardFromFlags(flags);
  const threshold = flags.x0Threshold as string | undefined;
  const batchFlag = flags.batchSize != null ? Number(flags.batchSize) : undefined;
  const plan = parseConditioningFlags(flags);
  // A named sampler for a score checkpoint is checked before it is loaded; without --sampler its run's own is used.
  if (flags.sampler != null && flags.checkpoint != null) samplerFromFlags(flags);
  for (const file of [outputs.npy, outputs.png]) if (file != null) await checkOutputFile(file, '--out');
  await useBackend(flags.backend);
  await useThreads(flags.threads);
  const source = await openScoreSource(flags);
  let disposeConditioning = (): void => undefined;
  try {
    // The samples themselves are kept whole; a batch's working memory is checked once its size is known.
    const pointFloats = source.pointShape.reduce((a, b) => a * b, 1);
    assertFitsInMemory(4 * n * pointFloats, `sampling ${n} points of shape [${source.pointShape.join(', ')}]`, 'lower --n (draw several runs with different --seed, or use --shard)');
    const sampler = samplerFromFlags(flags, source.runSampler);
    const is2d = source.pointShape.length === 1 && source.pointShape[0] === 2;
    if (outputs.png != null && !is2d && !source.images) {
      throw new CliError(`--out ${outputs.png}: PNG output needs 2D points or images; these are ${source.pointShape.join('×')} — use .npy`);
    }
    // Classes, classifiers and inpainting files are loaded and checked against the model before any sampling.
    const conditioning = await openConditioning(plan, source, n);
    disposeConditioning = () => conditioning.dispose();
    const conditioned = conditioning.summary != null ? { conditioning: conditioning.summary } : {};
    // The inpainting noise has a stream of its own, so the sampler's draws are those of the same seed without it.
    const inpaintRng = (sampleSeedValue: number) => new Rng(streamSeed(sampleSeedValue, 1));
    if (shard !== undefined) {
      const out = outputs.npy!;
      const [start, end] = shardRange(n, shard);
      const request = x0ThresholdFor(threshold ?? 'none');
      const drawn = await sampleByIndex({ sampler, source, seed, start, end, request, requestFor: (j) => conditioning.requestFor([j], inpaintRng(sampleSeed(seed, j))) });
      try {
        await ensureDir(nodePath.dirname(nodePath.resolve(out)));
        await saveNpy(out, drawn.samples);
        process.stdout.write(`${JSON.stringify({ out, n: end - start, shard: `${shard.index}/${shard.count}`, indices: [start, end], sampler: sampler.name, nfe: drawn.nfe, source: source.description, ...conditioned })}\n`);
      } finally {
        drawn.samples.dispose();
      }
      return;
    }
    const batch = Math.min(n, batchFlag ?? defaultSampleBatch(n, source.bytesPerSample ?? 0));
    const ranges = batchRanges(n, batch);
    if (ranges.length > 1 && every > 0) {
      throw new CliError(`--trajectory records one batch: these ${n} samples are drawn in ${ranges.length} batches of ${batch}; give --batch-size ${n} or a smaller --n`);
    }
    checkSampleSize(batch, source.pointShape, flags.steps, source.bytesPerSample ?? 0);
    const point = pointFloats;
    const values = new Float32Array(n * point);
    // Counting the denoiser calls gives the NFE so far, for adaptive solvers too (they report progress as
    // thousandths of the time span, not as steps).
    let nfe = 0;
    let nfePerSample = 0;
    let trajectory: SampleResult['trajectory'];
    const progress = createTaskProgress(`sample (${sampler.name})`, { unit: 'steps' });
    try {
      for (const [k, [start, end]] of ranges.entries()) {
        const seedK = batchSeed(seed, k);
        const indices = Array.from({ length: end - start }, (_, i) => start + i);
        const { denoiser, onStep } = conditioning.requestFor(indices, inpaintRng(seedK));
        const counted: Denoiser = {
          sde: denoiser.sde,
          predict: (x, t, options) => {
            nfe++;
            return denoiser.predict(x, t, options);
          },
        };
        const result = await sampler.run({
          denoiser: counted,
          ...(onStep != null ? { onStep } : {}),
          shape: [end - start, ...source.pointShape],
          seed: seedK,
          // No x̂₀ thresholding unless asked: on the mnist preset's checkpoint clipping made every sampler's digits
          // worse (Euler–Maruyama's FID 41 → 69; README, 'Which sampler draws the best digits').
          ...x0ThresholdFor(threshold ?? 'none'),
          onProgress: (done, total) => progress.update(k * total + done, ranges.length * total, `NFE ${nfe}`),
          ...(every > 0 ? { record: { every } } : {}),
        });
        try {
          values.set((await result.samples.data()) as Float32Array, start * point);
          nfePerSample = Math.max(nfePerSample, result.nfe);
          trajectory = result.trajectory;
        } finally {
          result.samples.dispose();
        }
      }
    } finally {
      progress.stop();
    }
    refuseNonFinite(values, point, sampler.name);
    for (const file of [outputs.npy, outputs.png]) if (file != null) await ensureDir(nodePath.dirname(nodePath.resolve(file)));
    if (outputs.npy != null) await saveNpy(outputs.npy, values, [n, ...source.pointShape], 'float32');
    if (outputs.png != null) {
      const bytes = is2d
        ? scatterPng(values, { size: 512, density: source.density }).png
        : imageGridPng(values, [n, ...source.pointShape] as [number, number, number, number], { scale: source.pointShape[0]! < 64 ? 2 : 1 });
      await writeFileAtomic(outputs.png, bytes);
    }
    const base = (outputs.npy ?? outputs.png)!;
    if (trajectory != null) {
      // The trajectory goes beside the output, in a run-folder-like layout the gallery can read.
      const dir = `${base.replace(/\.(npy|png)$/i, '')}.trajectory`;
      await saveTrajectory(runFolder(dir), 0, sampler.name, trajectory);
    }
    const out = outputs.npy != null && outputs.png != null ? [outputs.npy, outputs.png] : base;
    const batches = ranges.length > 1 ? { batches: ranges.length, batchSize: batch } : {};
    process.stdout.write(`${JSON.stringify({ out, n, sampler: sampler.name, nfe: nfePerSample, ...batches, source: source.description, ...conditioned })}\n`);
  } finally {
    disposeConditioning();
    source.dispose();
  }
}

function x0ThresholdFor(name: string): { x0Threshold?: { name: 'clip' } | { name: 'dynamic' } } {
  if (name === 'clip') return { x0Threshold: { name: 'clip' } };
  if (name === 'dynamic') return { x0Threshold: { name: 'dynamic' } };
  return {};
}


// A sampler's state is a few copies of a batch (x, the score, noise, the previous step) and the network's
// activations: refuse sizes that cannot fit before allocating, and a step count whose time grid alone cannot.
function checkSampleSize(batch: number, pointShape: readonly number[], stepsFlag: unknown, bytesPerSample: number): void {
  const point = pointShape.reduce((a, b) => a * b, 1);
  assertFitsInMemory(batch * (4 * 16 * point + bytesPerSample), `sampling a batch of ${batch} points of shape [${pointShape.join(', ')}]`, 'lower --batch-size (or --n)');
  const steps = typeof stepsFlag === 'string' ? Number(stepsFlag) : 0;
  if (Number.isFinite(steps) && steps > 0) assertFitsInMemory(8 * 4 * steps, `a sampler with ${steps} steps`, 'lower --steps');
}

// A diverging sampler returns NaN or ±Infinity: refuse with exit 1 and write nothing, instead of a success line.
function refuseNonFinite(values: Float32Array, perSample: number, sampler: string): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new CliError(
      `sampler '${sampler}' diverged: ${bad} of ${values.length} values are not finite (first: ${values[first]} in sample ${Math.floor(first / perSample)}); ` +
        'nothing was written. Try more --steps, a smaller step size, or another --sampler.',
      1,
    );
  }
}

// The checkpoints folder of a run folder, or the path itself (a checkpoints folder or one checkpoint).
async function checkpointsFolder(path: string): Promise<string> {
  const inner = nodePath.join(path, 'checkpoints');
  return (await fs.stat(inner).then((s) => s.isDirectory(), () => false)) ? inner : path;
}
