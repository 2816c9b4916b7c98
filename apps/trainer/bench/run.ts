// Trainer benchmarks (`pnpm bench` in apps/trainer; wasm unless SCOREKIT_BACKEND says otherwise):
//   2d     — train the `2d` preset, then a kernel two-sample test (MMD, permutation null) of its samples against
//            exact draws from the true distribution, with the null threshold (the same test the sampler tests use).
//   mnist  — train the `mnist` preset for a fixed budget of minutes (--minutes, default 10): steps/s, the loss
//            curve (table + loss-curve.json), sample grids every `sampleEvery` steps in runs/bench-mnist/samples.
// Usage: tsx --conditions=source bench/run.ts [2d|mnist|all] [--minutes 10] [--out runs]
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Rng, selectBackend } from '@scorekit/core';
import { loadNpy, writeFileAtomic } from '@scorekit/core/node';
import { sampleToyDataset } from '@scorekit/data';
import { twoSampleTest, twoSampleSlicedWasserstein } from '@scorekit/test-utils';
import * as E from 'fp-ts/lib/Either.js';
import { parseTrainConfig } from '../src/config.js';
import { formatProblems } from '../src/errors.js';
import { TRAIN_PRESETS } from '../src/presets.js';
import { createProgress, formatDuration } from '../src/progress.js';
import { runFolder } from '../src/runFolder.js';
import type { MetricsLine } from '../src/runFolder.js';
import { trainModel } from '../src/trainModel.js';

const args = process.argv.slice(2);
const which = args.find((a) => !a.startsWith('--')) ?? 'all';
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] != null ? args[i + 1]! : fallback;
};
const outRoot = flag('out', 'runs');

function preset(name: keyof typeof TRAIN_PRESETS, overrides: Record<string, unknown> = {}) {
  const parsed = parseTrainConfig({ ...structuredClone(TRAIN_PRESETS[name]), ...overrides });
  if (E.isLeft(parsed)) throw new Error(formatProblems(parsed.left));
  return parsed.right;
}

async function fresh(dir: string): Promise<string> {
  await fs.rm(dir, { recursive: true, force: true });
  return dir;
}

async function bench2d(backend: string): Promise<void> {
  const config = preset('2d');
  const dir = await fresh(nodePath.join(outRoot, 'bench-2d'));
  const t0 = performance.now();
  const summary = await trainModel(config, { runDir: dir, backend, progress: createProgress({ total: config.steps }) });
  const wall = (performance.now() - t0) / 1000;
  const samples = await loadNpy(runFolder(dir).samplesNpy(summary.step));
  const n = samples.shape[0]!;
  const model = tf.tensor2d(samples.data as Float32Array, [n, 2]);
  const truth = sampleToyDataset(config.dataset.name, n, new Rng(12345));
  const test = twoSampleTest(model, truth, { level: 0.01, permutations: 200 });
  const sw = twoSampleSlicedWasserstein(model, truth);
  // the same statistic between two independent exact draws, for scale
  const truth2 = sampleToyDataset(config.dataset.name, n, new Rng(54321));
  const control = twoSampleTest(truth2, truth, { level: 0.01, permutations: 200 });
  const controlSw = twoSampleSlicedWasserstein(truth2, truth);
  tf.dispose([model, truth, truth2]);
  const result = {
    preset: '2d',
    backend,
    dataset: config.dataset.name,
    steps: summary.step,
    trainSeconds: summary.time,
    wallSeconds: wall,
    stepsPerSec: summary.stepsPerSec,
    finalLoss: summary.finalLoss,
    sampler: config.sampler,
    n,
    mmd2: test.mmd2,
    nullThreshold: test.threshold,
    pValue: test.pValue,
    reject: test.reject,
    slicedWasserstein: sw,
    controlExactVsExact: { mmd2: control.mmd2, pValue: control.pValue, slicedWasserstein: controlSw },
    scatter: runFolder(dir).samplesPng(summary.step),
  };
  await writeFileAtomic(nodePath.join(dir, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n2d preset (${config.dataset.name}, ${backend}): ${summary.step} steps in ${formatDuration(wall)} wall (${summary.stepsPerSec.toFixed(1)} steps/s)`);
  console.log(`  two-sample MMD² of ${n} samples vs ${n} exact draws: ${test.mmd2.toExponential(3)}; null threshold (99%): ${test.threshold.toExponential(3)}; p = ${test.pValue.toFixed(3)} → ${test.reject ? 'REJECT (samples differ)' : 'not rejected'}`);
  console.log(`  control (exact vs exact): MMD² ${control.mmd2.toExponential(3)}, p = ${control.pValue.toFixed(3)}`);
  console.log(`  sliced Wasserstein: ${sw.toFixed(3)} (exact vs exact: ${controlSw.toFixed(3)})`);
  console.log(`  scatter plot: ${result.scatter}; results: ${nodePath.join(dir, 'bench.json')}`);
}

async function benchMnist(backend: string): Promise<void> {
  const minutes = Number(flag('minutes', '10'));
  if (!(minutes > 0)) throw new Error(`--minutes must be > 0, got ${flag('minutes', '')}`);
  const config = preset('mnist', { sampleEvery: Number(flag('sample-every', String(TRAIN_PRESETS.mnist.sampleEvery))) });
  const dir = await fresh(nodePath.join(outRoot, 'bench-mnist'));
  const controller = new AbortController();
  // The budget is wall time, including drawing the sample grids every sampleEvery steps.
  const timer = setTimeout(() => controller.abort(), minutes * 60_000);
  const summary = await trainModel(config, { runDir: dir, backend, signal: controller.signal, progress: createProgress({ total: config.steps }), log: (l) => console.error(l) });
  clearTimeout(timer);
  // a final grid at the last step (an interrupted run draws none)
  const metricsText = await fs.readFile(runFolder(dir).metrics, 'utf8');
  const lines = metricsText.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as MetricsLine);
  const rows = 12;
  const table = Array.from({ length: rows }, (_, i) => lines[Math.min(lines.length - 1, Math.round(((i + 1) * lines.length) / rows) - 1)]!)
    .filter((l, i, all) => l != null && all.indexOf(l) === i);
  await writeFileAtomic(nodePath.join(dir, 'loss-curve.json'), `${JSON.stringify(lines.map((l) => ({ step: l.step, loss: l.loss, time: l.time })))}\n`);
  const grids = (await fs.readdir(runFolder(dir).samples).catch(() => [] as string[])).filter((f) => f.endsWith('.png')).sort();
  const result = { preset: 'mnist', backend, minutes, network: config.network, steps: summary.step, stepsPerSec: summary.stepsPerSec, finalLoss: summary.finalLoss, grids };
  await writeFileAtomic(nodePath.join(dir, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nmnist preset (${backend}, U-Net nf ${String(config.network.nf)}, batch ${config.batchSize}): ${summary.step} steps in ${minutes} min of training, ${summary.stepsPerSec.toFixed(2)} steps/s`);
  console.log('  step      time     loss');
  for (const l of table) console.log(`  ${String(l.step).padStart(6)}  ${formatDuration(l.time).padStart(7)}  ${l.loss.toFixed(2)}`);
  console.log(`  sample grids (every ${config.sampleEvery} steps): ${grids.map((g) => nodePath.join(runFolder(dir).samples, g)).join(', ') || 'none'}`);
  console.log(`  loss curve: ${nodePath.join(dir, 'loss-curve.json')}`);
}

async function main(): Promise<void> {
  const choice = await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'wasm' | 'cpu' | 'tensorflow' | undefined) ?? 'wasm' });
  if (which === '2d' || which === 'all') await bench2d(choice.name);
  if (which === 'mnist' || which === 'all') await benchMnist(choice.name);
  if (!['2d', 'mnist', 'all'].includes(which)) throw new Error(`unknown benchmark '${which}'; use 2d, mnist or all`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
