import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveNpy } from '@scorekit/core/node';
import { createNoisyClassifier } from '@scorekit/guidance';
import { saveNoisyClassifier } from '@scorekit/guidance/node';
import { trainModel } from '../src/trainModel.js';
import { cli } from './cliHarness.js';
import { tempDir, tinyConfig } from './helpers.js';

// Every bad conditioning input is one clear message, exit 2, before any sampling and before anything is written.
describe('scorekit sample: bad guidance and inpainting input', () => {
  let dir: string;
  let mixture: string;
  let run: string;
  let out: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await tempDir();
    mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [0.5, 0.5], means: [[-2, 0], [2, 1]], stds: [0.5, 0.5] }));
    // An unconditional 2D checkpoint on ncsn-mixture (labels 0/1) under VP: 8 steps of a width-16 MLP.
    run = nodePath.join(dir, 'run');
    await trainModel(tinyConfig({ dataset: { name: 'ncsn-mixture' } }), { runDir: run });
    out = nodePath.join(dir, 'never.npy');
  });

  const sample = (...extra: string[]) => cli('sample', '--score', `analytic:${mixture}`, '--steps', '5', '--n', '4', '--out', out, '--backend', 'cpu', ...extra);
  async function refused(r: { code: number; stderr: string }, ...mentions: string[]): Promise<void> {
    expect(r.code, r.stderr).toBe(2);
    for (const m of mentions) expect(r.stderr).toContain(m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    await expect(fs.stat(out)).rejects.toThrow();
  }

  it('an unknown class names how many classes there are', async () => {
    await refused(await sample('--classifier', 'analytic', '--class', '2'), "--class must be 'cycle' or a class 0…1 (the mixture has 2 classes), got '2'");
    await refused(await sample('--classifier', 'analytic', '--class', 'first'), "--class: must be 'cycle' or a class index 0, 1, …, got 'first'");
    await refused(await sample('--cfg-scale', '1', '--label', '7'), "--label must be 'cycle' or a class 0…1 (the mixture has 2 classes), got '7'");
  });

  it('a mask or known values of another shape name both shapes', async () => {
    const known = nodePath.join(dir, 'known.npy');
    const mask3 = nodePath.join(dir, 'mask3.npy');
    const masks5 = nodePath.join(dir, 'masks5.npy');
    await saveNpy(known, new Float32Array([1, 0]), [2], 'float32');
    await saveNpy(mask3, new Float32Array([1, 0, 0]), [3], 'float32');
    await saveNpy(masks5, new Float32Array(10).fill(1), [5, 2], 'float32');
    await refused(await sample('--inpaint', known, '--mask', mask3), `--mask ${mask3} has shape [3]; this model's points are [2]`);
    await refused(await sample('--inpaint', known, '--mask', masks5), `--mask holds 5 samples [5, 2]; give one sample [2] or one per sample, [4, 2] for --n 4`);
    const grey = nodePath.join(dir, 'grey.npy');
    await saveNpy(grey, new Float32Array([0.5, 1]), [2], 'float32');
    await refused(await sample('--inpaint', known, '--mask', grey), 'a mask holds 1 (known) and 0 (fill in) only; found 0.5');
    await refused(await sample('--inpaint', known), '--inpaint <values> and --mask <mask> go together');
  });

  it('a classifier trained for another SDE or sample shape says which', async () => {
    const ve = nodePath.join(dir, 'clf-ve');
    const wide = nodePath.join(dir, 'clf-3d');
    const a = createNoisyClassifier({ name: 'mlp', sde: { name: 've' }, numClasses: 2, dataShape: [2], width: 8, depth: 1, embeddingDim: 4 });
    const b = createNoisyClassifier({ name: 'mlp', sde: { name: 'vp' }, numClasses: 2, dataShape: [3], width: 8, depth: 1, embeddingDim: 4 });
    await saveNoisyClassifier(a, ve);
    await saveNoisyClassifier(b, wide);
    a.dispose();
    b.dispose();
    await refused(await sample('--classifier', ve, '--class', '0'), `--classifier ${ve}`, "it was trained for another SDE (classifier vs model: SDE 've' vs 'vp')");
    await refused(await sample('--classifier', wide, '--class', '0'), 'it classifies samples of shape [3], the model makes [2]');
    await refused(await sample('--classifier', nodePath.join(dir, 'nowhere'), '--class', '0'), 'does not exist');
  });

  it('guidance flags without what they need, and bad scales', async () => {
    await refused(await sample('--guidance-scale', '2'), '--guidance-scale: needs --classifier <dir|analytic>');
    await refused(await sample('--classifier', 'analytic'), '--classifier: needs --class <k|cycle>');
    await refused(await sample('--classifier', 'analytic', '--class', '0', '--guidance-scale', '-1'), "--guidance-scale: must be a finite number ≥ 0 (w multiplies ∇ log p(y | x); 1 is score_sde’s guidance), got '-1'");
    await refused(await sample('--cfg-scale', 'NaN', '--class', '0'), "--cfg-scale: must be a finite number ≥ 0 ((1 + w)·s(x, y) − w·s(x); diffusers’ guidance_scale is 1 + w), got 'NaN'");
    await refused(await sample('--classifier', 'analytic', '--cfg-scale', '1', '--class', '0'), 'give --classifier (classifier guidance) or --cfg-scale (classifier-free guidance), not both');
    // Several problems at once, in one message.
    await refused(await sample('--guidance-scale', 'x', '--cfg-scale', '-2'), 'Invalid flags:', "--guidance-scale: must be a finite number ≥ 0", "--cfg-scale: must be a finite number ≥ 0", '--cfg-scale: needs --class');
  });

  it('checkpoints: --cfg-scale on an unconditional one, --classifier analytic without a mixture', async () => {
    const ck = (...extra: string[]) => cli('sample', '--checkpoint', run, '--steps', '2', '--n', '4', '--out', out, '--backend', 'cpu', ...extra);
    await refused(await ck('--cfg-scale', '2', '--class', '1'), '--cfg-scale needs a class-conditional model, but', 'is unconditional');
    await refused(await ck('--class', '1'), '--class needs a class-conditional model');
    await refused(await ck('--classifier', 'analytic', '--class', '1'), '--classifier: analytic is the exact classifier of an analytic mixture: it needs --score analytic:<mixture.json>');
  });

  it('train-classifier --noisy trains for a run; sample --classifier <dir> guides its checkpoint and refuses another SDE', async () => {
    const clf = nodePath.join(dir, 'noisy');
    const r = await cli('train-classifier', '--noisy', '--run', run, '--steps', '40', '--batch-size', '64', '--count', '400', '--out', clf, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { name: string; sde: { name: string }; numClasses: number; dataShape: number[]; heldOutAccuracyAtEps: number; heldOutSamples: number };
    expect(summary).toMatchObject({ name: 'mlp', sde: { name: 'vp' }, numClasses: 2, dataShape: [2], heldOutSamples: 40 });
    // ncsn-mixture's modes (weights 0.8 / 0.2) are far apart: nearly clean points are separable, and 40 Adam steps
    // get well past the 0.8 of always answering the heavier mode (binomial sd at n = 40: 0.06).
    expect(summary.heldOutAccuracyAtEps).toBeGreaterThan(0.9);
    const guided = nodePath.join(dir, 'guided.npy');
    const g = await cli('sample', '--checkpoint', run, '--classifier', clf, '--class', 'cycle', '--guidance-scale', '2', '--sampler', 'dpm-solver++', '--steps', '3', '--n', '4', '--out', guided, '--backend', 'cpu');
    expect(g.code, g.stderr).toBe(0);
    expect(JSON.parse(g.stdout)).toMatchObject({ conditioning: { classifier: clf, guidanceScale: 2, class: 'cycle', classes: 2 } });
    await refused(await cli('sample', '--score', `analytic:${mixture}`, '--sde', 'subvp', '--classifier', clf, '--class', '0', '--n', '4', '--out', out, '--backend', 'cpu'), "SDE 'vp' vs 'subvp'");
    // An existing classifier folder is never overwritten.
    const again = await cli('train-classifier', '--noisy', '--run', run, '--steps', '1', '--out', clf, '--backend', 'cpu');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds a trained model');
    const flags = await cli('train-classifier', '--noisy', '--sde', 'vpp', '--kind', 'big', '--out', nodePath.join(dir, 'x'), '--backend', 'cpu');
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain("unknown SDE 'vpp'");
    expect(flags.stderr).toContain("unknown noisy classifier kind 'big'");
    expect(flags.stderr).toContain('--dataset');
  });
});
