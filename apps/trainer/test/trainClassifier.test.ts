import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { saveNpy } from '@scorekit/core/node';
import { loadFashionMnist, loadMnist } from '@scorekit/data/node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inceptionScore } from '@scorekit/metrics';
import { loadClassifier, loadClassifierExtractor } from '@scorekit/metrics/node';
import { parseTrainClassifierOptions, runTrainClassifier } from '../src/commands/trainClassifier.js';
import { runEval } from '../src/commands/eval.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scorekit-trainclf-'));
  // Conv training on tfjs's cpu backend takes seconds per step; the CLI picks wasm by default, as here.
  await tf.setBackend('wasm');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scorekit train-classifier', () => {
  it('trains on MNIST, reports held-out accuracy well above chance, saves a folder that eval --features reads', async () => {
    const out = join(dir, 'mnist-clf');
    const losses: number[] = [];
    const summary = await runTrainClassifier({ dataset: 'mnist', out, steps: '80', count: '1000', batchSize: '50' }, (_, l) => losses.push(l));
    expect(losses).toHaveLength(80);
    // The variant is written as `name` (the key naming a variant everywhere), no longer `kind`.
    expect(summary.name).toBe('classifier');
    expect(summary).not.toHaveProperty('kind');
    expect(summary.trainSamples).toBe(1000);
    expect(summary.heldOutSamples).toBe(1996); // the whole `dataset:mnist:test` split, never trained on
    // 80 steps on 1000 digits reach ~85 % on the held-out digits; 0.6 is 50 points above chance (0.1) and far
    // outside its binomial noise (sd 0.011 at n = 1996).
    expect(summary.heldOutAccuracy).toBeGreaterThan(0.6);
    expect(JSON.parse(readFileSync(join(out, 'training.json'), 'utf8'))).toEqual(summary);
    const clf = await loadClassifier(out);
    expect(clf.config.numClasses).toBe(10);
    clf.network.dispose();
    // The folder plugs into eval: MNIST vs itself through the classifier's features gives precision = recall = 1.
    const r = await runEval(
      { metric: 'pr', real: 'dataset:mnist', fake: 'dataset:mnist', count: '100', features: `classifier:${out}` },
      { log: () => {}, progressLine: () => {} },
    );
    expect(r.features).toBe(`classifier:${out}/features`);
    expect(r.dim).toBe(64);
    expect(r.values).toEqual({ precision: 1, recall: 1 });

    // eval --metric is on images reads the classifier's softmax: the same numbers as inceptionScore on the
    // probabilities the extractor gives directly, high on mixed digits (10 classes) and low on one digit class.
    const io = { log: () => {}, progressLine: () => {} };
    const mixed = await runEval({ metric: 'is', fake: 'dataset:mnist', count: '200', splits: '1', features: `classifier:${out}` }, io);
    expect(mixed.features).toBe(`classifier:${out}/probabilities`);
    expect(mixed.dim).toBe(10);
    const digits = await loadMnist();
    const probs = await (await loadClassifierExtractor({ path: out, output: 'probabilities' })).extract(
      tf.tensor4d(digits.images.subarray(0, 200 * 784), [200, 28, 28, 1]),
    );
    expect(mixed.values.mean).toBeCloseTo(inceptionScore(probs, { splits: 1 }).mean, 4);
    // IS = exp(E KL(p(y|x) ‖ p(y))) ≤ 10; this 80-step classifier on 200 mixed digits measured 7.3.
    expect(mixed.values.mean).toBeGreaterThan(3);
    const ones: number[] = [];
    for (let i = 0; i < digits.shape[0] && ones.length < 100; i++) if (digits.labels?.[i] === 1) ones.push(i);
    const oneImages = new Float32Array(100 * 784);
    ones.forEach((i, j) => oneImages.set(digits.images.subarray(i * 784, (i + 1) * 784), j * 784));
    await saveNpy(join(dir, 'ones.npy'), oneImages, [100, 28, 28], 'float32');
    const single = await runEval({ metric: 'is', fake: join(dir, 'ones.npy'), splits: '1', features: `classifier:${out}` }, io);
    // One class: p(y) ≈ p(y|x), so KL ≈ 0 and IS near 1 (measured 1.17).
    expect(single.values.mean).toBeLessThan(2);
  });

  it.skipIf(!existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'))(
    '--kind clip trains the dual encoder on Fashion-MNIST; eval --metric clip scores matching captions above wrong ones',
    async () => {
      const out = join(dir, 'fashion-clip');
      const summary = await runTrainClassifier({ dataset: 'fashion-mnist', kind: 'clip', out, steps: '100', count: '2000' }, () => {});
      expect(summary.name).toBe('clip');
      // Zero-shot accuracy from captions on 1000 test images: measured 0.78 (chance 0.1, binomial sd 0.014).
      expect(summary.heldOutAccuracy).toBeGreaterThan(0.5);
      // 100 test sneakers (class 7) scored against their own caption and against "a photo of a trouser".
      const test = await loadFashionMnist({ split: 'test' });
      const idx: number[] = [];
      for (let i = 0; i < test.shape[0] && idx.length < 100; i++) if (test.labels?.[i] === 7) idx.push(i);
      const sneakers = new Float32Array(100 * 784);
      idx.forEach((i, j) => sneakers.set(test.images.subarray(i * 784, (i + 1) * 784), j * 784));
      await saveNpy(join(dir, 'sneakers.npy'), sneakers, [100, 28, 28, 1], 'float32');
      writeFileSync(join(dir, 'right.txt'), 'a photo of a sneaker\n');
      writeFileSync(join(dir, 'wrong.txt'), 'a photo of a trouser\n');
      const score = async (captions: string): Promise<number> =>
        (await runEval(
          { metric: 'clip', fake: join(dir, 'sneakers.npy'), features: `clip:${out}`, captions: join(dir, captions) },
          { log: () => {}, progressLine: () => {} },
        )).values.clip;
      const right = await score('right.txt');
      // 100 · max(mean cosine, 0): measured 47 for "sneaker" vs 9 for "trouser"; 20 points is half that gap.
      expect(right).toBeGreaterThan((await score('wrong.txt')) + 20);
    },
    60_000,
  );

  it('reports every bad flag at once with the allowed values', () => {
    const p = parseTrainClassifierOptions({ dataset: 'cifar', kind: 'vae', steps: '-1' });
    expect(E.isLeft(p) ? p.left.map((x) => `${x.field}: ${x.message}${x.allowed ? ` (${x.allowed.join(', ')})` : ''}`) : []).toEqual([
      "--dataset: unknown data set 'cifar' (mnist, fashion-mnist)",
      '--out: is required (the folder to write the classifier to)',
      "--kind: unknown kind 'vae' (classifier, clip)",
      "--steps: must be an integer ≥ 1, got '-1'",
    ]);
  });
});
