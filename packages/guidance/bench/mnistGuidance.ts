// MNIST guidance benchmark: guides a score model to each digit at several scales — classifier guidance of an
// unconditional model with a noisy conv classifier trained here (or loaded) on MNIST perturbed by the model's SDE,
// or classifier-free guidance of a conditional model trained with label dropout — and judges the samples with
// scorekit's clean classifier (`scorekit train-classifier`, trained separately): per-digit accuracy, and per digit
// the Fréchet distance in the clean classifier's 64 features between that digit's samples and the held-out real
// digits of that class, beside real-vs-real (n training digits of the class against the same held-out ones, the
// mean over disjoint draws) at the same n, since FID is biased at small n. Prints a markdown table for the README.
//
//   scorekit train --preset mnist --out runs/mnist --minutes 15
//   scorekit train-classifier --dataset mnist --steps 800 --out runs/mnist-clf
//   pnpm --filter @scorekit/guidance bench -- --checkpoint runs/mnist --clean runs/mnist-clf --noisy runs/mnist-noisy
//   pnpm --filter @scorekit/guidance bench -- --guidance cfg --checkpoint runs/mnist-cond --clean runs/mnist-clf
//
// Flags: --guidance classifier|cfg (default classifier), --noisy <dir> (classifier guidance: loaded, or trained
// and saved there), --noisy-steps (default 3000), --scales (default 1,4,16,64 for classifier, 0,1,2,4 for cfg),
// --per-class (default 20), --sampler pc|euler-maruyama (default pc), --steps (default 50 for pc, 100 for
// Euler–Maruyama), --x0-threshold none|clip (default none), --seed, --real-sets (disjoint real draws averaged for
// real-vs-real, default 5), --out <dir> (each scale's samples as .npy and a PNG grid, one row per digit),
// --train-noisy-only (stop once the noisy classifier is saved). The clean classifier is read here with plain tfjs
// ops (its layers: conv1, conv2, features, logits) and the Fréchet distance computed by a local helper, because a
// guidance bench may not import @scorekit/metrics (layering).
import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, selectBackend } from '@scorekit/core';
import { loadTensors, saveNpy } from '@scorekit/core/node';
import { loadMnist } from '@scorekit/data/node';
import { ExponentialMovingAverage, createNetwork, createScoreModel, type ScoreModelConfig } from '@scorekit/models';
import { readCheckpoint, restoreCheckpoint } from '@scorekit/models/node';
import { createSampler } from '@scorekit/samplers';
import { createSde, type SdeConfig } from '@scorekit/sde';
import { classifierFreeGuidance, classifierGuidance, createNoisyClassifier, perturb, trainNoisyClassifier, type TrainableNoisyClassifier } from '../src/index.js';
import { loadNoisyClassifier, saveNoisyClassifier } from '../src/node.js';
import { digitGridPng } from './digitGridPng.js';
import { frechetDistance, gaussianOf } from './frechetDistance.js';

function flag(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v == null) throw new Error(`--${name} is required`);
  return v;
}

function choice<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
  const v = flag(name, fallback);
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${name} must be one of ${allowed.join(', ')}; got '${v}'`);
  return v as T;
}

async function loadScoreModel(path: string) {
  const inner = nodePath.join(path, 'checkpoints');
  const root = (await fs.stat(inner).then((s) => s.isDirectory(), () => false)) ? inner : path;
  const info = await readCheckpoint(root);
  const config = info.config as unknown as { sde: SdeConfig; network: { kind: string; numClasses?: number }; scoreModel?: ScoreModelConfig };
  const network = createNetwork(config.network as Parameters<typeof createNetwork>[0]);
  const ema = info.ema ? new ExponentialMovingAverage(network.variables, { decay: info.ema.decay }) : undefined;
  await restoreCheckpoint(root, { network, ...(ema ? { ema } : {}) });
  ema?.swapIn();
  return { model: createScoreModel(network, createSde(config.sde), config.scoreModel ?? {}), step: info.step, numClasses: config.network.numClasses ?? 0 };
}

/** scorekit's clean classifier (metrics' createClassifierNetwork) as plain ops: conv-relu ×2, dense-relu (the features), dense. */
async function loadCleanClassifier(dir: string) {
  const { tensors: w } = await loadTensors(nodePath.join(dir, 'weights.safetensors'));
  const features = (x: tf.Tensor) =>
    tf.tidy(() => {
      const a1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w['conv1/0'] as tf.Tensor4D, 2, 'same'), w['conv1/1']));
      const a2 = tf.relu(tf.add(tf.conv2d(a1 as tf.Tensor4D, w['conv2/0'] as tf.Tensor4D, 2, 'same'), w['conv2/1']));
      return tf.relu(tf.add(tf.matMul(tf.reshape(a2, [x.shape[0], -1]), w['features/0']), w['features/1']));
    });
  const logits = (x: tf.Tensor) => tf.tidy(() => tf.add(tf.matMul(features(x), w['logits/0']), w['logits/1']));
  return { features, logits, featureDim: w['features/0']!.shape[1]! };
}

/** The rows of `images` ([n, 784] flat) whose label is k, as one Float32Array, in data order. */
function rowsOfClass(images: Float32Array, labels: ArrayLike<number>, k: number): Float32Array {
  const idx: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === k) idx.push(i);
  const out = new Float32Array(idx.length * 784);
  idx.forEach((row, j) => out.set(images.subarray(row * 784, (row + 1) * 784), j * 784));
  return out;
}

async function main(): Promise<void> {
  await selectBackend();
  const started = Date.now();
  const guidance = choice('guidance', 'classifier', ['classifier', 'cfg'] as const);
  const samplerName = choice('sampler', 'pc', ['pc', 'euler-maruyama'] as const);
  const threshold = choice('x0-threshold', 'none', ['none', 'clip'] as const);
  const seed = Number(flag('seed', '0'));
  const scales = flag('scales', guidance === 'cfg' ? '0,1,2,4' : '1,4,16,64').split(',').map(Number);
  const perClass = Number(flag('per-class', '20'));
  const steps = Number(flag('steps', samplerName === 'pc' ? '50' : '100'));
  const realSets = Number(flag('real-sets', '5'));
  const outDir = process.argv.includes('--out') ? flag('out') : undefined;
  if (outDir) await fs.mkdir(outDir, { recursive: true });
  const { model, step, numClasses } = await loadScoreModel(flag('checkpoint'));
  if (guidance === 'cfg' && numClasses !== 10) throw new Error(`--guidance cfg needs a conditional MNIST checkpoint (network.numClasses 10); this one has ${numClasses}`);
  const shape = [28, 28, 1];
  const train = await loadMnist({ split: 'train' });
  const test = await loadMnist({ split: 'test' });

  let noisy: TrainableNoisyClassifier | undefined;
  if (guidance === 'classifier') {
    const noisyDir = flag('noisy');
    try {
      noisy = await loadNoisyClassifier(noisyDir, { sde: model.sde, dataShape: shape, numClasses: 10 });
      console.log(`noisy classifier: loaded ${noisyDir}`);
    } catch {
      noisy = createNoisyClassifier({ name: 'conv', sde: model.sde, numClasses: 10, dataShape: shape, seed });
      const data = tf.tensor4d(train.images, [...train.shape]);
      const t0 = Date.now();
      const noisySteps = Number(flag('noisy-steps', '3000'));
      await trainNoisyClassifier(noisy, {
        data,
        labels: train.labels!,
        steps: noisySteps,
        batchSize: 64,
        lr: 2e-3,
        seed,
        onProgress: (s, total, loss) => {
          if (s % 100 === 0) console.log(`noisy classifier step ${s}/${total} loss ${loss.toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
        },
      });
      data.dispose();
      await saveNoisyClassifier(noisy, noisyDir, { steps: noisySteps });
      console.log(`noisy classifier: ${noisySteps} steps in ${((Date.now() - t0) / 1000).toFixed(0)} s, saved to ${noisyDir}`);
    }
    if (process.argv.includes('--train-noisy-only')) return;
  }
  const clean = await loadCleanClassifier(flag('clean'));
  const testX = tf.tensor4d(test.images, [...test.shape]);
  const testY = test.labels!;
  const acc = (logits: tf.Tensor) => {
    const p = tf.tidy(() => tf.argMax(logits, 1).dataSync());
    logits.dispose();
    return Array.from(p).reduce((s: number, v: number, i: number) => s + (v === testY[i] ? 1 : 0), 0) / testY.length;
  };
  if (noisy) {
    const noisyAcc = [0.01, 0.3, 0.6].map((t) => {
      const xt = tf.tidy(() => perturb(model.sde, testX, tf.fill([testY.length], t), new Rng(seed + 1).normal([...test.shape])));
      const a = acc(noisy.logProbs(xt, t));
      xt.dispose();
      return `t=${t}: ${(100 * a).toFixed(1)} %`;
    });
    console.log(`noisy classifier held-out accuracy ${noisyAcc.join(', ')}`);
  }
  console.log(`clean classifier on real held-out digits: ${(100 * acc(clean.logits(testX))).toFixed(1)} %`);
  testX.dispose();

  // Per class: the held-out digits' Gaussian (the reference), and real-vs-real at n = perClass — the mean over
  // `realSets` disjoint draws of n training digits of the class — so a sample FID can be read against it.
  const d = clean.featureDim;
  const featuresOf = (rows: Float32Array, n: number): Float32Array => {
    const x = tf.tensor4d(rows.subarray(0, n * 784), [n, 28, 28, 1]);
    const f = clean.features(x);
    x.dispose();
    const out = f.dataSync() as Float32Array;
    f.dispose();
    return out;
  };
  const reference: ReturnType<typeof gaussianOf>[] = [];
  const realVsReal: number[] = [];
  for (let k = 0; k < 10; k++) {
    const held = rowsOfClass(test.images, testY, k);
    reference.push(gaussianOf(featuresOf(held, held.length / 784), held.length / 784, d));
    const trainRows = rowsOfClass(train.images, train.labels!, k);
    const sets = Math.min(realSets, Math.floor(trainRows.length / 784 / perClass));
    let sum = 0;
    for (let s = 0; s < sets; s++) sum += frechetDistance(gaussianOf(featuresOf(trainRows.subarray(s * perClass * 784), perClass), perClass, d), reference[k]!);
    realVsReal.push(sum / sets);
  }
  const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`real-vs-real per-class FID at n = ${perClass} (mean of ${realSets} disjoint draws): ${realVsReal.map((v) => v.toFixed(1)).join(' / ')} (mean ${meanOf(realVsReal).toFixed(1)})`);

  const rows: string[] = [];
  for (const scale of scales) {
    const labels = Array.from({ length: 10 * perClass }, (_, i) => Math.floor(i / perClass));
    const denoiser =
      guidance === 'cfg'
        ? classifierFreeGuidance(model, { scale, labels })
        : scale === 0
          ? model
          : classifierGuidance(model, noisy!, { scale, labels });
    const t0 = Date.now();
    let last = 0;
    const { samples, nfe } = await createSampler(samplerName, { steps }).run({
      denoiser,
      shape: [labels.length, ...shape],
      seed,
      ...(threshold === 'clip' ? { x0Threshold: { name: 'clip' as const } } : {}),
      onProgress: (i, total) => {
        if (Date.now() - last > 60_000) {
          last = Date.now();
          console.log(`  w = ${scale}: step ${i}/${total} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
        }
      },
    });
    const seconds = (Date.now() - t0) / 1000;
    const clipped = tf.tidy(() => tf.clipByValue(samples, -1, 1));
    samples.dispose();
    const predicted = tf.tidy(() => tf.argMax(clean.logits(clipped), 1).dataSync());
    const values = clipped.dataSync() as Float32Array;
    clipped.dispose();
    const perDigit: number[] = [];
    const fids: number[] = [];
    for (let k = 0; k < 10; k++) {
      let hit = 0;
      for (let i = k * perClass; i < (k + 1) * perClass; i++) if (predicted[i] === k) hit++;
      perDigit.push(hit / perClass);
      const own = values.subarray(k * perClass * 784, (k + 1) * perClass * 784);
      fids.push(frechetDistance(gaussianOf(featuresOf(own, perClass), perClass, d), reference[k]!));
    }
    if (outDir) {
      const name = `${guidance === 'cfg' ? 'cfg' : 'cg'}-w${scale}`;
      await saveNpy(nodePath.join(outDir, `${name}.npy`), values, [labels.length, ...shape]);
      // One row per digit: its first min(perClass, 10) samples.
      const cols = Math.min(perClass, 10);
      const grid = new Float32Array(10 * cols * 784);
      for (let k = 0; k < 10; k++) grid.set(values.subarray(k * perClass * 784, (k * perClass + cols) * 784), k * cols * 784);
      await fs.writeFile(nodePath.join(outDir, `${name}.png`), digitGridPng(grid, 10 * cols, 28, 28, cols, { gap: 2, scale: 1 }));
    }
    const row = `| ${scale} | ${(100 * meanOf(perDigit)).toFixed(1)} % | ${perDigit.map((a) => (100 * a).toFixed(0)).join(' / ')} | ${meanOf(fids).toFixed(1)} | ${fids.map((f) => f.toFixed(1)).join(' / ')} | ${perClass} | ${nfe} | ${seconds.toFixed(0)} s |`;
    rows.push(row);
    console.log(row);
  }
  const how = guidance === 'cfg' ? 'classifier-free guidance' : 'classifier guidance';
  console.log(
    `\n${how}; score model: ${flag('checkpoint')} (step ${step}); ${samplerName} ${steps} steps, x̂₀ threshold ${threshold}; ${perClass} samples per digit; ` +
      `real-vs-real per-class FID at n = ${perClass}: ${realVsReal.map((v) => v.toFixed(1)).join(' / ')} (mean ${meanOf(realVsReal).toFixed(1)}); total ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log('| scale w | accuracy | per digit 0 / 1 / … / 9 (%) | per-class FID, mean | per-class FID 0 / 1 / … / 9 | n per digit | NFE | time |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  noisy?.dispose();
}

await main();
