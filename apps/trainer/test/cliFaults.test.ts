import * as fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveNpy } from '@scorekit/core/node';
import { describeFsError } from '../src/outputPath.js';
import { cli } from './cliHarness.js';
import { tempDir, tinyConfig } from './helpers.js';

describe('scorekit faults and bad input: one clear message, the right exit code, nothing written', () => {
  let dir: string;
  let mixture: string;
  let config: string;
  beforeAll(async () => {
    dir = await tempDir();
    mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [1], means: [[0, 0]], stds: [1] }));
    config = nodePath.join(dir, 'tiny.json');
    await fs.writeFile(config, JSON.stringify(tinyConfig({ steps: 2 })));
  });
  const sample = (...args: string[]) => cli('sample', '--score', `analytic:${mixture}`, '--backend', 'cpu', ...args);

  it('usage errors exit 2 as the README promises (commander exited 1)', async () => {
    for (const args of [['train', '--bogus'], ['no-such-command'], ['sample', '--out'], ['eval', '--metric']]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('refuses flags that --resume would ignore, before touching the run', async () => {
    const run = nodePath.join(dir, 'resume-flags');
    expect((await cli('train', '--config', config, '--out', run, '--backend', 'cpu')).code).toBe(0);
    const before = await fs.readFile(nodePath.join(run, 'config.json'), 'utf8');
    const r = await cli('train', '--resume', '--out', run, '--lr', '0.1', '--seed', '3', '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--lr, --seed would be ignored. Only --steps may change on resume');
    expect(await fs.readFile(nodePath.join(run, 'config.json'), 'utf8')).toBe(before);
  });

  it('an empty --out is refused instead of writing into the current folder', async () => {
    const train = await cli('train', '--config', config, '--out', '', '--backend', 'cpu');
    expect(train.code).toBe(2);
    expect(train.stderr).toContain('--out: must name a folder, got an empty string');
    expect((await sample('--out', '')).stderr).toMatch(/--out: must name a \.npy file, a \.png file.*got ''/);
    expect((await sample('--out', '.npy')).stderr).toMatch(/--out: must name a \.npy file, a \.png file.*got '\.npy'/);
  });

  it('seeds at or above 2³² and non-integer seeds are refused, naming the value', async () => {
    const big = await sample('--seed', '4294967303', '--out', nodePath.join(dir, 's.npy'));
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('  - --seed: must be an integer in [0, 4294967295], got 4294967303 (seeds are 32-bit)');
    expect((await sample('--seed', '1.5', '--out', nodePath.join(dir, 's.npy'))).stderr).toContain("got '1.5'");
    const train = await cli('train', '--config', config, '--seed', '4294967296', '--out', nodePath.join(dir, 'seed-run'), '--backend', 'cpu');
    expect(train.code).toBe(2);
    expect(train.stderr).toContain('got 4294967296');
    expect(existsSync(nodePath.join(dir, 'seed-run'))).toBe(false);
  });

  it('NaN samples from a diverging sampler exit 1 with nothing written, instead of a success line', async () => {
    const out = nodePath.join(dir, 'nan.npy');
    // Langevin with a step of 1e30 overflows within a few steps.
    const r = await sample('--sampler', 'langevin', '--step-size', '1e30', '--steps', '5', '--n', '8', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/sampler 'langevin' diverged: 16 of 16 values are not finite.*nothing was written/);
    expect(existsSync(out)).toBe(false);
  });

  it('likelihood blames non-finite data on the data, naming the sample', async () => {
    const data = nodePath.join(dir, 'nan-data.npy');
    await saveNpy(data, new Float32Array([0, 0, 1, Number.NaN]), [2, 2]);
    const r = await cli('likelihood', '--score', `analytic:${mixture}`, '--data', data, '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--data ${data}: sample 1 holds NaN (at flat index 3); the data must be finite`);
  });

  it('eval refuses images in 0…255, saying the range expected and how to convert', async () => {
    const images = nodePath.join(dir, 'pixels.npy');
    const pixels = new Float32Array(4 * 8 * 8).map((_, i) => i % 256);
    await saveNpy(images, pixels, [4, 8, 8, 1]);
    const r = await cli('eval', '--metric', 'fid', '--real', images, '--fake', images, '--features', 'tfjs:nowhere.json#x', '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/images must be in \[−1, 1\], but sample 0 holds 2 \(values span 0 … 255\)\. These look like 8-bit pixels: convert them with p \/ 127\.5 − 1/);
  });

  it('sizes beyond memory are refused before allocating, saying what to lower', async () => {
    const batch = await cli('train', '--config', config, '--batch-size', '10000000', '--out', nodePath.join(dir, 'big-batch'), '--backend', 'cpu');
    expect(batch.code).toBe(2);
    expect(batch.stderr).toMatch(/batchSize: the run needs ~\d+(\.\d+)? (GB|TB) of memory, more than the .* available \(a batch of 10000000 takes .*\); lower the batch size/);
    const wide = nodePath.join(dir, 'wide.json');
    await fs.writeFile(wide, JSON.stringify(tinyConfig({ network: { name: 'mlp', dim: 2, width: 30000, depth: 4, embeddingDim: 8 } })));
    const net = await cli('train', '--config', wide, '--out', nodePath.join(dir, 'wide-run'), '--backend', 'cpu');
    expect(net.code).toBe(2);
    // 3·30000² weights, five float32 copies each (weights, gradient, two Adam moments, EMA): 54 GB.
    expect(net.stderr).toMatch(/network: the run needs ~54 GB of memory.*make the network narrower/);
    const n = await sample('--n', '1000000000000', '--out', nodePath.join(dir, 'n.npy'));
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/sampling 1000000000000 points of shape \[2\] needs ~\d+ TB of memory.*lower --n/);
    const steps = await sample('--steps', '1000000000000', '--out', nodePath.join(dir, 'steps.npy'));
    expect(steps.code).toBe(2);
    expect(steps.stderr).toMatch(/a sampler with 1000000000000 steps needs ~32 TB.*lower --steps/);
  });

  it('a config nested 100 000 deep is refused without overflowing the stack', async () => {
    const deep = nodePath.join(dir, 'deep.json');
    await fs.writeFile(deep, `{"network":${'['.repeat(100000)}1${']'.repeat(100000)}}`);
    const r = await cli('train', '--config', deep, '--out', nodePath.join(dir, 'deep-run'), '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--config file .*deep\.json nests deeper than 64 levels \(at network\[0\]/);
  });

  it('train-classifier refuses to overwrite an existing classifier folder', async () => {
    const out = nodePath.join(dir, 'clf');
    await fs.mkdir(out);
    await fs.writeFile(nodePath.join(out, 'weights.safetensors'), 'trained weights');
    const r = await cli('train-classifier', '--dataset', 'mnist', '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${out} already holds a trained model (weights.safetensors)`);
    expect(await fs.readFile(nodePath.join(out, 'weights.safetensors'), 'utf8')).toBe('trained weights');
  });

  it('the output path is checked before the work, and a file system error is named for what it is', async () => {
    const file = nodePath.join(dir, 'a-file');
    await fs.writeFile(file, '');
    const r = await sample('--out', nodePath.join(file, 'x.npy'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} is a file, not a folder`);
    expect(describeFsError(Object.assign(new Error('EROFS: read-only file system, mkdir'), { code: 'EROFS' }))).toBe('the file system is read-only (EROFS)');
    expect(describeFsError(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('the disk is full (ENOSPC)');
  });
});
