import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNpy } from '@scorekit/core/node';
import { createNoisyClassifier } from '@scorekit/guidance';
import { saveNoisyClassifier } from '@scorekit/guidance/node';
import { decodePng } from '../src/png.js';
import { trainModel } from '../src/trainModel.js';
import { cli } from './cliHarness.js';
import { tempDir, tinyConfig } from './helpers.js';

// A grey PNG whose pixel p has value pixel(p) (0…255).
function png(size: number, pixel: (p: number) => number): Buffer {
  const image = new PNG({ width: size, height: size });
  for (let p = 0; p < size * size; p++) {
    const v = pixel(p);
    image.data.set([v, v, v, 255], 4 * p);
  }
  return PNG.sync.write(image);
}

function conditionalConfig(data: string, labelDropout: number) {
  return tinyConfig({
    dataset: { name: 'folder', dir: data },
    network: { name: 'unet', imageSize: 4, channels: 1, nf: 4, chMult: [1], attnResolutions: [], numClasses: 2 },
    conditional: true,
    labelDropout,
    steps: 1,
    batchSize: 2,
    sampleCount: 1,
    sampler: { name: 'ddim', steps: 1 },
  });
}

// A tiny class-conditional 4×4 U-Net (two class folders, one optimiser step): the image paths of the CLI —
// checkpoint classes, PNG masks, image shapes — without training anything worth looking at.
describe('scorekit sample / interpolate on an image checkpoint', () => {
  let dir: string;
  let run: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await tempDir();
    const data = nodePath.join(dir, 'data');
    for (const [cls, v] of [['a', 40], ['b', 200]] as const) {
      await fs.mkdir(nodePath.join(data, cls), { recursive: true });
      for (let i = 0; i < 2; i++) await fs.writeFile(nodePath.join(data, cls, `${i}.png`), png(4, (p) => (v + 10 * i + p) % 256));
    }
    run = nodePath.join(dir, 'run');
    await trainModel(conditionalConfig(data, 0.2), { runDir: run });
  });

  it('a conditional checkpoint trained without label dropout has no unconditional score: CFG, classifier guidance and no class are refused', async () => {
    const strict = nodePath.join(dir, 'no-dropout');
    await trainModel(conditionalConfig(nodePath.join(dir, 'data'), 0), { runDir: strict });
    const clf = nodePath.join(dir, 'clf4');
    const c = createNoisyClassifier({ name: 'conv', sde: { name: 'vp' }, numClasses: 2, dataShape: [4, 4, 1], filters: [2, 2], width: 4, embeddingDim: 4 });
    await saveNoisyClassifier(c, clf);
    c.dispose();
    const out = nodePath.join(dir, 'strict.npy');
    const common = ['--sampler', 'ddim', '--steps', '2', '--n', '2', '--out', out, '--backend', 'cpu'];
    const cfg = await cli('sample', '--checkpoint', strict, '--cfg-scale', '1', '--class', '0', ...common);
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toMatch(/--cfg-scale needs the unconditional score of .* but it was trained without label dropout/);
    const guided = await cli('sample', '--checkpoint', strict, '--classifier', clf, '--class', '1', ...common);
    expect(guided.code).toBe(2);
    expect(guided.stderr).toMatch(/--classifier guides the unconditional score of .* trained without label dropout/);
    const none = await cli('sample', '--checkpoint', strict, ...common);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/is class-conditional and has no trained unconditional score .*: give --class <k\|cycle>/);
    const strip = await cli('interpolate', '--checkpoint', strict, '--seeds', '1,2', '--count', '3', '--out', nodePath.join(dir, 'strict-strip.npy'), '--backend', 'cpu');
    expect(strip.code).toBe(2);
    expect(strip.stderr).toMatch(/trained without label dropout: it has no trained unconditional score to interpolate with/);
    await expect(fs.stat(out)).rejects.toThrow();
    await expect(fs.stat(nodePath.join(dir, 'strict-strip.npy'))).rejects.toThrow();
    // Plain conditional sampling needs no unconditional score.
    const plain = await cli('sample', '--checkpoint', strict, '--class', '1', ...common);
    expect(plain.code, plain.stderr).toBe(0);
  });

  it('--cfg-scale with --class cycle samples a conditional checkpoint', async () => {
    const out = nodePath.join(dir, 'cfg.npy');
    const r = await cli('sample', '--checkpoint', run, '--cfg-scale', '1.5', '--class', 'cycle', '--sampler', 'ddim', '--steps', '2', '--n', '2', '--out', out, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ n: 2, nfe: 2, conditioning: { cfgScale: 1.5, class: 'cycle', classes: 2 } });
    expect((await loadNpy(out)).shape).toEqual([2, 4, 4, 1]);
    const bad = await cli('sample', '--checkpoint', run, '--cfg-scale', '1', '--class', '2', '--n', '2', '--out', out, '--backend', 'cpu');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--class must be 'cycle' or a class 0…1 (the checkpoint has 2 classes), got '2'");
  });

  it('--inpaint/--mask PNGs: the known pixels come back exactly (p/127.5 − 1), the rest are drawn', async () => {
    const known = nodePath.join(dir, 'known.png');
    const mask = nodePath.join(dir, 'mask.png');
    await fs.writeFile(known, png(4, (p) => 17 * p));
    await fs.writeFile(mask, png(4, (p) => (p < 8 ? 255 : 0))); // top half known
    const out = nodePath.join(dir, 'inpainted.npy');
    const r = await cli('sample', '--checkpoint', run, '--class', '0', '--inpaint', known, '--mask', mask, '--sampler', 'euler-maruyama', '--steps', '3', '--n', '2', '--out', out, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const x = (await loadNpy(out)).data as Float32Array;
    for (let i = 0; i < 2; i++) {
      for (let p = 0; p < 8; p++) expect(x[16 * i + p]).toBeCloseTo((17 * p) / 127.5 - 1, 6); // float32 of the same formula
      // The filled half is a sample, not the known image's values (which run 136/127.5 − 1 … 255/127.5 − 1 there).
      let same = 0;
      for (let p = 8; p < 16; p++) if (Math.abs(x[16 * i + p]! - ((17 * p) / 127.5 - 1)) < 1e-3) same++;
      expect(same).toBeLessThan(8);
    }
  });

  it('a mask PNG or a classifier for another image size is refused naming both sizes', async () => {
    const known = nodePath.join(dir, 'known.png');
    const big = nodePath.join(dir, 'mask8.png');
    await fs.writeFile(big, png(8, () => 255));
    const out = nodePath.join(dir, 'never.npy');
    const r = await cli('sample', '--checkpoint', run, '--inpaint', known, '--mask', big, '--n', '2', '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--mask ${big} has shape [8, 8, 1]; this model's points are [4, 4, 1]`);
    const clf = nodePath.join(dir, 'clf8');
    const c = createNoisyClassifier({ name: 'conv', sde: { name: 'vp' }, numClasses: 2, dataShape: [8, 8, 1], filters: [2, 2], width: 4, embeddingDim: 4 });
    await saveNoisyClassifier(c, clf);
    c.dispose();
    const g = await cli('sample', '--checkpoint', run, '--classifier', clf, '--class', '1', '--n', '2', '--out', out, '--backend', 'cpu');
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('it classifies samples of shape [8, 8, 1], the model makes [4, 4, 1]');
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('interpolate --seeds writes a [count, 1, 4, 4, 1] strip and a one-row PNG', async () => {
    const npy = nodePath.join(dir, 'strip.npy');
    const pngOut = nodePath.join(dir, 'strip.png');
    const r = await cli('interpolate', '--checkpoint', run, '--seeds', '1,2', '--count', '3', '--rtol', '1e-3', '--atol', '1e-3', '--out', npy, pngOut, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect((await loadNpy(npy)).shape).toEqual([3, 1, 4, 4, 1]);
    // Three 4-px images drawn at scale 2 in one row with 2-px gaps: 3·8 + 4·2 = 32 wide, 8 + 2·2 = 12 high.
    const image = decodePng(await fs.readFile(pngOut));
    expect([image.width, image.height]).toEqual([32, 12]);
  });
});
