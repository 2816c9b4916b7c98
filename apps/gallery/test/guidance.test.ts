// Guidance in the in-browser sampling modules (browser/*.ts), run in Node on cpu against the CLI's composition
// (nodeReference.ts: @scorekit/guidance with the classifier read by its /node entry): classifier-free guidance of
// the bars-cfg fixture (trained with label dropout) and classifier guidance of mixture-400 by its noisy classifier
// in mixture-400/classifier/. The browser itself is checked in e2e.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@scorekit/core';
import { decodeNoisyClassifier } from '@scorekit/guidance';
import { loadNoisyClassifier } from '@scorekit/guidance/node';
import { createSde } from '@scorekit/sde';
import { drawSamples, guidanceAvailability, guidanceProblems, loadRunClassifier, loadRunModel, type Guidance, type RunConfigJson, type RunModel } from '../browser/index.js';
import { readRun } from '../src/index.js';
import { FIXTURE_RUNS } from './helpers.js';
import { sampleInNode, type NodeDraw } from './nodeReference.js';

// Both sides run the same JavaScript kernels (tfjs cpu), gradients of the classifier included, on the same float32
// values in the same order: they must agree exactly.
const TOLERANCE = 0;
const CLASSIFIER_DIR = nodePath.join(FIXTURE_RUNS, 'mixture-400', 'classifier');
const read = async (file: string) => new Uint8Array(await fs.readFile(file));

async function openModel(run: string): Promise<RunModel> {
  const dir = nodePath.join(FIXTURE_RUNS, run);
  const config = JSON.parse(await fs.readFile(nodePath.join(dir, 'config.json'), 'utf8')) as RunConfigJson;
  const latest = (await fs.readFile(nodePath.join(dir, 'checkpoints', 'latest'), 'utf8')).trim();
  const ckpt = nodePath.join(dir, 'checkpoints', latest);
  const manifest = JSON.parse(await fs.readFile(nodePath.join(ckpt, 'checkpoint.json'), 'utf8'));
  return loadRunModel(manifest, config, { weights: nodePath.join(ckpt, 'weights.safetensors'), ema: nodePath.join(ckpt, 'ema.safetensors') }, read);
}

/** A guided draw as the page makes it: the run's model, its classifier decoded from bytes where asked. */
async function browserDraw(run: string, draw: NodeDraw) {
  const model = await openModel(run);
  let classifier;
  try {
    let guidance: Guidance | undefined;
    if (draw.guidance?.kind === 'classifier') {
      const manifest = JSON.parse(await fs.readFile(nodePath.join(draw.guidance.dir, 'config.json'), 'utf8')) as unknown;
      classifier = await loadRunClassifier(model, manifest, nodePath.join(draw.guidance.dir, 'weights.safetensors'), read);
      guidance = { kind: 'classifier', scale: draw.guidance.scale, classifier };
    } else if (draw.guidance != null) guidance = { kind: 'classifier-free', scale: draw.guidance.scale };
    return await drawSamples(model, { sampler: draw.sampler, options: draw.options, n: draw.n, seed: draw.seed, ...(draw.label != null ? { label: draw.label } : {}), ...(guidance ? { guidance } : {}) });
  } finally {
    classifier?.dispose();
    model.dispose();
  }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

beforeAll(async () => {
  await selectBackend({ backend: 'cpu', report: false });
});

describe('classifier-free guidance in the browser modules, in Node on cpu', () => {
  const run = nodePath.join(FIXTURE_RUNS, 'bars-cfg');
  const base: NodeDraw = { sampler: 'euler-maruyama', options: { steps: 10 }, n: 4, seed: 2, label: 1 };

  it('gives the numbers scorekit sample --cfg-scale gives, leaks nothing, and the scale matters', async () => {
    const draw: NodeDraw = { ...base, guidance: { kind: 'classifier-free', scale: 3 } };
    const before = tf.memory().numTensors;
    const drawn = await browserDraw('bars-cfg', draw);
    expect(tf.memory().numTensors).toBe(before);
    expect(drawn.shape).toEqual([4, 8, 8, 1]);
    expect(maxDiff(drawn.values, (await sampleInNode(run, draw)).values)).toBeLessThanOrEqual(TOLERANCE);
    // w = 3 against w = 0 (the plain conditional model): guidance moves samples by more than 0.05 (measured 65: ten
    // Euler–Maruyama steps of this 300-step model leave samples far outside [−1, 1], guided or not — bars-unet too).
    const plain = await sampleInNode(run, { ...draw, guidance: { kind: 'classifier-free', scale: 0 } });
    console.log(`guidance: bars-cfg class 1, largest |w = 3 − w = 0| ${maxDiff(drawn.values, plain.values).toFixed(3)}`);
    expect(maxDiff(drawn.values, plain.values)).toBeGreaterThan(0.05);
    // 'cycle' classes: sample i gets class i mod 2, as --class cycle.
    const cycle: NodeDraw = { ...draw, label: 'cycle' };
    expect(maxDiff((await browserDraw('bars-cfg', cycle)).values, (await sampleInNode(run, cycle)).values)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('w = 0 is the unguided conditional model', async () => {
    const guided = await browserDraw('bars-cfg', { ...base, guidance: { kind: 'classifier-free', scale: 0 } });
    const unguided = await browserDraw('bars-cfg', base);
    // Both halves of the guided prediction come from one call on the doubled batch: the NFE is the unguided one.
    expect(guided.nfe).toBe(unguided.nfe);
    // At w = 0 classifierFreeGuidance calls the model once with the class, which is what plain conditional sampling
    // (--class, withLabels) does: the same numbers exactly. (Through the score function instead, float32 round-off
    // of ε → score → ε was measured at 2.7e-5 here: the draws now share the CLI's denoiser path.)
    expect(maxDiff(guided.values, unguided.values)).toBe(0);
  });
});

describe('classifier guidance in the browser modules, in Node on cpu', () => {
  const run = nodePath.join(FIXTURE_RUNS, 'mixture-400');
  const base: NodeDraw = { sampler: 'euler-maruyama', options: { steps: 10 }, n: 200, seed: 4, label: 1 };

  it('decodeNoisyClassifier reads the fixture classifier from bytes as loadNoisyClassifier reads it from disk', async () => {
    const sde = createSde({ name: 'vp' });
    const before = tf.memory().numTensors;
    const onDisk = await loadNoisyClassifier(CLASSIFIER_DIR, { sde, dataShape: [2] });
    const manifest = JSON.parse(await fs.readFile(nodePath.join(CLASSIFIER_DIR, 'config.json'), 'utf8')) as unknown;
    const bytes = await read(nodePath.join(CLASSIFIER_DIR, 'weights.safetensors'));
    const fromBytes = decodeNoisyClassifier(manifest, bytes, { sde, dataShape: [2], numClasses: 2 });
    try {
      const x = tf.tensor2d([[5, 5], [-5, -5], [0.3, -0.2]]);
      const [a, b] = [onDisk.logProbs(x, 0.3), fromBytes.logProbs(x, 0.3)];
      expect(maxDiff(await a.data(), await b.data())).toBe(0);
      // And it is a classifier of the two components: the mode at (5, 5) is class 0 with high probability.
      const p = (await a.array()) as number[][];
      expect(Math.exp(p[0]![0]!)).toBeGreaterThan(0.9);
      expect(Math.exp(p[1]![1]!)).toBeGreaterThan(0.9);
      tf.dispose([x, a, b]);
    } finally {
      onDisk.dispose();
      fromBytes.dispose();
    }
    // Misfits are named, all at once, before any weight is read.
    expect(() => decodeNoisyClassifier(manifest, bytes, { sde: createSde({ name: 've' }), dataShape: [3], numClasses: 4, source: 'clf/' })).toThrow(
      /^clf\/ does not fit: it was trained for another SDE .*; it classifies samples of shape \[2\], the model makes \[3\]; it has 2 classes, 4 were expected$/,
    );
    expect(() => decodeNoisyClassifier({ format: 'other' }, bytes)).toThrow(/must have format 'scorekit-noisy-classifier' version 1/);
    expect(() => decodeNoisyClassifier(manifest, bytes.slice(0, 100))).toThrow(/weights\.safetensors/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the numbers scorekit sample --classifier gives, leaks nothing, and moves samples to the class', async () => {
    const draw: NodeDraw = { ...base, guidance: { kind: 'classifier', scale: 4, dir: CLASSIFIER_DIR } };
    const before = tf.memory().numTensors;
    const drawn = await browserDraw('mixture-400', draw);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxDiff(drawn.values, (await sampleInNode(run, draw)).values)).toBeLessThanOrEqual(TOLERANCE);
    // The mixture puts 0.8 of its mass at (5, 5) (class 0) and 0.2 at (−5, −5) (class 1). Unguided, about 20% of
    // samples land in the lower-left half (binomial sd for 200: 2.8%); guided to class 1 at w = 4 most of them do.
    const lowerLeft = (v: ArrayLike<number>) => {
      let k = 0;
      for (let i = 0; i < v.length; i += 2) if (v[i]! + v[i + 1]! < 0) k++;
      return k / (v.length / 2);
    };
    const unguided = await browserDraw('mixture-400', { ...base, label: undefined });
    console.log(`guidance: mixture-400, share of samples at the class-1 component: unguided ${lowerLeft(unguided.values)}, classifier guidance w = 4 ${lowerLeft(drawn.values)}`);
    expect(lowerLeft(unguided.values)).toBeLessThan(0.35);
    expect(lowerLeft(drawn.values)).toBeGreaterThan(0.7);
  });

  it('w = 0 is the unguided model', async () => {
    const guided = await browserDraw('mixture-400', { ...base, guidance: { kind: 'classifier', scale: 0, dir: CLASSIFIER_DIR } });
    const unguided = await browserDraw('mixture-400', { ...base, label: undefined });
    // At w = 0 classifierGuidance returns the model's own prediction: the unguided draw's numbers exactly.
    expect(maxDiff(guided.values, unguided.values)).toBe(0);
  });
});

describe('which guidance a run offers, and bad choices', () => {
  it('reads the fixtures: bars-cfg takes classifier-free guidance, bars-unet (no label dropout) and the 2D runs do not; mixture-400 has a classifier', async () => {
    const offers: Record<string, ReturnType<typeof guidanceAvailability>> = {};
    for (const name of ['bars-cfg', 'bars-unet', 'mixture-400', 'mixture-100']) {
      const r = await readRun(FIXTURE_RUNS, name);
      if (!r.ok) throw new Error(r.reason);
      const c = r.run.config as { conditional?: boolean; labelDropout?: number; network: { numClasses?: number } };
      const modelClasses = c.conditional ? Number(c.network.numClasses ?? 0) : 0;
      offers[name] = guidanceAvailability(name, { modelClasses, labelDropout: modelClasses > 0 ? Number(c.labelDropout ?? 0) : 0 }, r.run.classifier, r.run.classifierProblem ?? undefined);
    }
    const summary = Object.fromEntries(Object.entries(offers).map(([name, a]) => [name, [a.classifierFree.available, a.classifier.available]]));
    expect(summary).toEqual({ 'bars-cfg': [true, false], 'bars-unet': [false, false], 'mixture-400': [false, true], 'mixture-100': [false, false] });
    const reason = (o: { available: boolean; reason?: string }) => (o.available ? '' : o.reason);
    expect(reason(offers['bars-unet']!.classifierFree)).toMatch(/^this run was trained without label dropout \("labelDropout" is 0 or absent/);
    expect(reason(offers['mixture-100']!.classifierFree)).toMatch(/^this run is not class-conditional/);
    expect(reason(offers['mixture-100']!.classifier)).toBe('no noisy classifier in mixture-100/classifier/ (train one: scorekit train-classifier --noisy --run runs/mixture-100 --out runs/mixture-100/classifier)');
    expect(offers['mixture-400']!.classifierClasses).toBe(2);
    const r = await readRun(FIXTURE_RUNS, 'mixture-400');
    expect(r.ok && r.run.classifier).toMatchObject({ name: 'mlp', numClasses: 2, dataShape: [2], sde: 'vp' });
  });

  it('names every problem of a choice: kind not offered, negative or missing scale, class out of range', () => {
    const cfg = guidanceAvailability('r', { modelClasses: 2, labelDropout: 0.2 }, null);
    expect(guidanceProblems(cfg, { kind: 'classifier-free', scale: 2, label: 1 })).toEqual([]);
    expect(guidanceProblems(cfg, { kind: 'classifier-free', scale: -1, label: 2 })).toEqual([
      "the guidance scale must be a finite number ≥ 0 ((1 + w)·s(x, t, y) − w·s(x, t, ∅); 0 is the plain conditional model), got -1",
      "the class must be 'cycle' or 0…1 (the run has 2 classes), got 2",
    ]);
    expect(guidanceProblems(cfg, { kind: 'classifier-free', scale: Number.NaN, label: undefined })).toEqual([
      'the guidance scale must be a finite number ≥ 0 ((1 + w)·s(x, t, y) − w·s(x, t, ∅); 0 is the plain conditional model), got nothing / not a number',
      "classifier-free guidance needs a class ('cycle' or 0…1)",
    ]);
    expect(guidanceProblems(cfg, { kind: 'classifier', scale: 1, label: 0 })[0]).toMatch(/^classifier guidance is not available: no noisy classifier in r\/classifier\//);
    const clf = guidanceAvailability('r', { modelClasses: 0, labelDropout: 0 }, { numClasses: 3 });
    expect(guidanceProblems(clf, { kind: 'classifier', scale: 1, label: 3 })).toEqual(["the class must be 'cycle' or 0…2 (the classifier has 3 classes), got 3"]);
    expect(guidanceProblems(clf, { kind: 'classifier', scale: 1, label: 'cycle' })).toEqual([]);
  });

  it('drawSamples refuses a bad guided request before sampling, with the same message', async () => {
    await expect(browserDraw('bars-cfg', { sampler: 'ddim', options: { steps: 2 }, n: 2, seed: 0, label: 5, guidance: { kind: 'classifier-free', scale: -2 } })).rejects.toThrow(
      /the guidance scale must be a finite number ≥ 0 .*got -2; the class must be 'cycle' or 0…1 \(the run has 2 classes\), got 5/,
    );
    await expect(browserDraw('bars-unet', { sampler: 'ddim', options: { steps: 2 }, n: 2, seed: 0, label: 0, guidance: { kind: 'classifier-free', scale: 1 } })).rejects.toThrow(
      /classifier-free guidance is not available: this run was trained without label dropout/,
    );
  });
});
