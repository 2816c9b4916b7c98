import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectNoTensorLeak } from '@scorekit/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { classifierExtractor, createExtractor, extractorRegistry, featureStatistics, fid, trainClassifier } from '../src/index.js';
import { loadClassifier, saveClassifier } from '../src/node.js';
import type { Classifier, ExtractedFeatures } from '../src/index.js';
import { fashionSlice, hasFashion, mnistSlice } from './imageData.js';

// 600 training digits (60 per class), 400 held-out digits. Training runs once, on wasm (the tfjs cpu backend
// takes 3–7 s per conv training step here, wasm ~0.1 s); the trained classifier is saved and every backend then
// loads it and checks extraction and the metrics on its own kernels.
const train = mnistSlice(600);
const heldOut = mnistSlice(400, 60); // digits 60.. of each class: disjoint from the training slice
let trainedDir: string;
let losses: number[];

beforeAll(async () => {
  const previous = tf.getBackend();
  await tf.setBackend('wasm');
  losses = [];
  const clf = await trainClassifier({ ...train, steps: 120, batchSize: 50, seed: 1, onStep: (_, l) => losses.push(l) });
  trainedDir = mkdtempSync(join(tmpdir(), 'scorekit-clf-'));
  await saveClassifier(clf, trainedDir);
  clf.network.dispose();
  await tf.setBackend(previous);
});
afterAll(() => rmSync(trainedDir, { recursive: true, force: true }));

describeOnBackends('scorekit classifier as a feature extractor (real MNIST)', () => {
  let clf: Classifier;
  let dir: string;
  beforeAll(async () => {
    clf = await loadClassifier(trainedDir);
    dir = mkdtempSync(join(tmpdir(), 'scorekit-clf-'));
  });
  afterAll(() => {
    clf.network.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('learns: held-out accuracy on 400 unseen digits beats 0.8 (chance 0.1) and the loss falls from ≈ ln 10', async () => {
    const probs = await classifierExtractor(clf, { output: 'probabilities' }).extract(tf.tensor4d(heldOut.images, heldOut.shape));
    let correct = 0;
    for (let i = 0; i < 400; i++) {
      const row = probs.data.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === heldOut.labels[i]) correct++;
    }
    // A small conv net reaches ~90 % on MNIST after a hundred steps on 600 digits; 0.8 leaves room for seed and
    // backend rounding (binomial sd at p = 0.9, n = 400: 0.015), and is 70 points above chance.
    expect(correct / 400).toBeGreaterThan(0.8);
    // He-initialised logits start near uniform: the first losses are close to ln 10 = 2.30.
    expect(losses[0]).toBeGreaterThan(1.5);
    expect(Math.min(...losses.slice(-10))).toBeLessThan(0.6);
  });

  it('FID on classifier features: MNIST vs other MNIST digits is small, MNIST vs noise and vs Fashion-MNIST large', async () => {
    const extractor = classifierExtractor(clf);
    expect(extractor.outputDim).toBe(64);
    const a = await extractor.extract(tf.tensor4d(heldOut.images.subarray(0, 200 * 784), [200, 28, 28, 1]));
    const b = await extractor.extract(tf.tensor4d(heldOut.images.subarray(200 * 784), [200, 28, 28, 1]));
    const noise = await extractor.extract(new Rng(5).uniform([200, 28, 28, 1], -1, 1));
    const same = fid(a, b);
    const scale = traceOf(a);
    // Two samples of one distribution: FID is only the small-sample bias. Its mean part is 2 tr Σ / n = 0.01 tr Σ
    // for n = 200; the covariance part grows with d/n (64/200 here) — measured 0.06 tr Σ on both backends; 0.2 tr Σ
    // leaves room for another seed. Other data (noise, clothes) shift the whole feature distribution: measured
    // 0.9–1.3 tr Σ, 16–22 × the same-distribution value; the bounds below are half of those.
    expect(same).toBeLessThan(0.2 * scale);
    expect(fid(a, noise)).toBeGreaterThan(0.5 * scale);
    expect(fid(a, noise)).toBeGreaterThan(8 * same);
    if (hasFashion) {
      const fashion = fashionSlice(200);
      const c = await extractor.extract(tf.tensor4d(fashion.images, fashion.shape));
      expect(fid(a, c)).toBeGreaterThan(0.5 * scale);
      expect(fid(a, c)).toBeGreaterThan(8 * same);
    }
  });

  it('save / load round trip gives identical features, also through createExtractor("classifier")', async () => {
    await saveClassifier(clf, dir);
    const images = tf.tensor4d(heldOut.images.subarray(0, 50 * 784), [50, 28, 28, 1]);
    const before = await classifierExtractor(clf).extract(images);
    const loaded = await loadClassifier(dir);
    const after = await classifierExtractor(loaded).extract(images);
    expect(after.data).toEqual(before.data);
    loaded.network.dispose();
    const registered = await createExtractor('classifier', { path: dir });
    expect(registered.name).toBe(`classifier:${dir}/features`);
    // Its label in reports is the `label` option (the registry's `name` names the extractor).
    const labelled = await extractorRegistry.create({ name: 'classifier', path: dir, output: 'probabilities', label: 'mnist-clf' });
    expect(labelled.name).toBe('mnist-clf/probabilities');
    labelled.dispose();
    expect(classifierExtractor(clf, { label: 'mine' }).name).toBe('mine/features');
    expect((await registered.extract(images, { batchSize: 16 })).data).toEqual(before.data);
    registered.dispose();
    images.dispose();
  });

  it('extraction is batched in tf.tidy: live tensors stay flat, progress counts every image', async () => {
    const images = tf.tensor4d(heldOut.images.subarray(0, 30 * 784), [30, 28, 28, 1]);
    const seen: number[] = [];
    await expectNoTensorLeak(() => classifierExtractor(clf).extract(images, { batchSize: 8, onProgress: (d) => seen.push(d) }));
    expect(seen.slice(-4)).toEqual([8, 16, 24, 30]);
    images.dispose();
  });
});

it('bad classifier folders and inputs give errors naming the file and what is expected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scorekit-clf-bad-'));
  try {
    await expect(loadClassifier(join(dir, 'nope'))).rejects.toThrow(/cannot read config\.json; expected a folder written by saveClassifier/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ format: 'other' }));
    await expect(loadClassifier(dir)).rejects.toThrow(/format is "other"; expected 'scorekit-classifier\/1'/);
    await expect(trainClassifier({ ...train, labels: new Int32Array(3) })).rejects.toThrow(/labels must be an Int32Array of length n = 600/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function traceOf(x: ExtractedFeatures): number {
  const s = featureStatistics(x);
  let t = 0;
  for (let i = 0; i < s.d; i++) t += s.cov[i * s.d + i];
  return t;
}
