// MNIST classifier-guidance benchmark: trains (or loads) a noisy conv classifier on MNIST perturbed by the score
// model's SDE, guides the model to each digit at several scales, and judges the samples with scorekit's clean
// classifier (`scorekit train-classifier`, trained separately). Prints a markdown table for the README.
//
//   scorekit train --preset mnist --out runs/mnist --minutes 10
//   scorekit train-classifier --dataset mnist --out runs/mnist-clf
//   pnpm --filter @scorekit/guidance bench -- --checkpoint runs/mnist --clean runs/mnist-clf --noisy runs/mnist-noisy
//
// Flags: --noisy-steps (default 600), --scales (default 0,1,2,4,8), --per-class (default 10), --steps (sampler
// steps, default 100), --seed, --train-noisy-only (stop once the noisy classifier is saved). The clean classifier is read here with plain tfjs ops (its layers: conv1, conv2,
// features, logits) because a guidance bench may not import @scorekit/metrics (layering).
import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, selectBackend } from '@scorekit/core';
import { loadTensors } from '@scorekit/core/node';
import { loadMnist } from '@scorekit/data/node';
import { ExponentialMovingAverage, createNetwork, createScoreModel, type ScoreModelConfig } from '@scorekit/models';
import { readCheckpoint, restoreCheckpoint } from '@scorekit/models/node';
import { createSampler } from '@scorekit/samplers';
import { createSde, type SdeConfig } from '@scorekit/sde';
import { classifierGuidance, createNoisyClassifier, perturb, trainNoisyClassifier, type TrainableNoisyClassifier } from '../src/index.js';
import { loadNoisyClassifier, saveNoisyClassifier } from '../src/node.js';

function flag(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v == null) throw new Error(`--${name} is required`);
  return v;
}

async function loadScoreModel(path: string) {
  const inner = nodePath.join(path, 'checkpoints');
  const root = (await fs.stat(inner).then((s) => s.isDirectory(), () => false)) ? inner : path;
  const info = await readCheckpoint(root);
  const config = info.config as unknown as { sde: SdeConfig; network: { kind: string }; scoreModel?: ScoreModelConfig };
  const network = createNetwork(config.network as Parameters<typeof createNetwork>[0]);
  const ema = info.ema ? new ExponentialMovingAverage(network.variables, { decay: info.ema.decay }) : undefined;
  await restoreCheckpoint(root, { network, ...(ema ? { ema } : {}) });
  ema?.swapIn();
  return { model: createScoreModel(network, createSde(config.sde), config.scoreModel ?? {}), step: info.step };
}

/** scorekit's clean classifier (metrics' createClassifierNetwork) as plain ops: conv-relu ×2, dense-relu, dense. */
async function loadCleanClassifier(dir: string): Promise<(x: tf.Tensor) => tf.Tensor> {
  const { tensors: w } = await loadTensors(nodePath.join(dir, 'weights.safetensors'));
  return (x) =>
    tf.tidy(() => {
      const a1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w['conv1/0'] as tf.Tensor4D, 2, 'same'), w['conv1/1']));
      const a2 = tf.relu(tf.add(tf.conv2d(a1 as tf.Tensor4D, w['conv2/0'] as tf.Tensor4D, 2, 'same'), w['conv2/1']));
      const f = tf.relu(tf.add(tf.matMul(tf.reshape(a2, [x.shape[0], -1]), w['features/0']), w['features/1']));
      return tf.add(tf.matMul(f, w['logits/0']), w['logits/1']);
    });
}

async function main(): Promise<void> {
  await selectBackend();
  const started = Date.now();
  const seed = Number(flag('seed', '0'));
  const scales = flag('scales', '0,1,2,4,8').split(',').map(Number);
  const perClass = Number(flag('per-class', '10'));
  const steps = Number(flag('steps', '100'));
  const { model, step } = await loadScoreModel(flag('checkpoint'));
  const noisyDir = flag('noisy');
  const shape = [28, 28, 1];

  let noisy: TrainableNoisyClassifier;
  const train = await loadMnist({ split: 'train' });
  const test = await loadMnist({ split: 'test' });
  try {
    noisy = await loadNoisyClassifier(noisyDir, { sde: model.sde, dataShape: shape, numClasses: 10 });
    console.log(`noisy classifier: loaded ${noisyDir}`);
  } catch {
    noisy = createNoisyClassifier({ kind: 'conv', sde: model.sde, numClasses: 10, dataShape: shape, seed });
    const data = tf.tensor4d(train.images, [...train.shape]);
    const t0 = Date.now();
    const noisySteps = Number(flag('noisy-steps', '600'));
    await trainNoisyClassifier(noisy, {
      data,
      labels: train.labels!,
      steps: noisySteps,
      batchSize: 64,
      lr: 2e-3,
      seed,
      onProgress: (s, total, loss) => {
        if (s % 50 === 0) console.log(`noisy classifier step ${s}/${total} loss ${loss.toFixed(3)}`);
      },
    });
    data.dispose();
    await saveNoisyClassifier(noisy, noisyDir, { steps: noisySteps });
    console.log(`noisy classifier: ${noisySteps} steps in ${((Date.now() - t0) / 1000).toFixed(0)} s, saved to ${noisyDir}`);
  }
  if (process.argv.includes('--train-noisy-only')) return;
  const clean = await loadCleanClassifier(flag('clean'));
  // Held-out accuracy of the noisy classifier at a few noise levels, and of the clean one on clean digits.
  const testX = tf.tensor4d(test.images, [...test.shape]);
  const testY = test.labels!;
  const acc = (logits: tf.Tensor) => {
    const p = tf.tidy(() => tf.argMax(logits, 1).dataSync());
    logits.dispose();
    return Array.from(p).reduce((s: number, v: number, i: number) => s + (v === testY[i] ? 1 : 0), 0) / testY.length;
  };
  const noisyAcc = [0.01, 0.3, 0.6].map((t) => {
    const xt = tf.tidy(() => perturb(model.sde, testX, tf.fill([testY.length], t), new Rng(seed + 1).normal([...test.shape])));
    const a = acc(noisy.logProbs(xt, t));
    xt.dispose();
    return `t=${t}: ${(100 * a).toFixed(1)} %`;
  });
  const cleanAcc = acc(clean(testX));
  testX.dispose();
  console.log(`noisy classifier held-out accuracy ${noisyAcc.join(', ')}; clean classifier on real test digits ${(100 * cleanAcc).toFixed(1)} %`);

  const rows: string[] = [];
  for (const scale of scales) {
    const labels = Array.from({ length: 10 * perClass }, (_, i) => Math.floor(i / perClass));
    const denoiser = scale === 0 ? model : classifierGuidance(model, noisy, { scale, labels });
    const t0 = Date.now();
    const { samples } = await createSampler('euler-maruyama', { steps }).run({ denoiser, shape: [labels.length, ...shape], seed, x0Threshold: { kind: 'clip' } });
    const predicted = tf.tidy(() => tf.argMax(clean(tf.clipByValue(samples, -1, 1)), 1).dataSync());
    samples.dispose();
    const perDigit = Array.from({ length: 10 }, (_, k) => {
      let hit = 0;
      for (let i = k * perClass; i < (k + 1) * perClass; i++) if (predicted[i] === k) hit++;
      return hit / perClass;
    });
    const mean = perDigit.reduce((a, b) => a + b, 0) / 10;
    rows.push(`| ${scale} | ${(100 * mean).toFixed(0)} % | ${perDigit.map((a) => (100 * a).toFixed(0)).join(' / ')} | ${((Date.now() - t0) / 1000).toFixed(0)} s |`);
    console.log(rows[rows.length - 1]);
  }
  console.log(`\nscore model: ${flag('checkpoint')} (step ${step}); Euler–Maruyama ${steps} steps, x̂₀ clipped; ${perClass} samples per digit; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log('| scale w | accuracy (clean classifier) | per digit 0 / 1 / … / 9 | time |\n| --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  noisy.dispose();
}

await main();
