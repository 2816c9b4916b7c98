import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveNpy } from '@scorekit/core/node';
import { SAMPLER_NAMES } from '@scorekit/samplers';
import { SDE_NAMES } from '@scorekit/sde';
import { OBJECTIVE_NAMES } from '@scorekit/objectives';
import { cli } from './cliHarness.js';
import { tempDir } from './helpers.js';

describe('scorekit error messages', () => {
  let dir: string;
  let mixture: string;
  beforeAll(async () => {
    dir = await tempDir();
    mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [1], means: [[0, 0]], stds: [1] }));
  });

  const expectClean = (stderr: string) => {
    // a message for a person, never a stack trace
    expect(stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  };

  it('an unknown sampler lists the allowed ones', async () => {
    const r = await cli('sample', '--score', `analytic:${mixture}`, '--sampler', 'dpm', '--out', nodePath.join(dir, 's.npy'), '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--sampler: unknown sampler 'dpm' (allowed: ${SAMPLER_NAMES.join(', ')})`);
    expectClean(r.stderr);
  });

  it("a sampler option the sampler does not take is named, from the sampler registry's own check", async () => {
    const r = await cli('sample', '--score', `analytic:${mixture}`, '--sampler', 'ddim', '--snr', '0.1', '--out', nodePath.join(dir, 's.npy'), '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid flags:.*--snr: sampler 'ddim' does not take it/s);
  });

  it('an unknown SDE lists the allowed ones', async () => {
    const r = await cli('sample', '--score', `analytic:${mixture}`, '--sde', 'vpp', '--out', nodePath.join(dir, 's.npy'), '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Unknown --sde 'vpp'. Allowed: ${SDE_NAMES.join(', ')}`);
  });

  it('a missing mixture file, malformed JSON and a bad mixture field are each named', async () => {
    const missing = await cli('sample', '--score', `analytic:${nodePath.join(dir, 'nope.json')}`, '--out', nodePath.join(dir, 's.npy'), '--backend', 'cpu');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read --score file .*nope\.json: no such file/);
    const broken = nodePath.join(dir, 'broken.json');
    await fs.writeFile(broken, '{"weights": [1], ');
    const malformed = await cli('sample', '--score', `analytic:${broken}`, '--out', nodePath.join(dir, 's.npy'), '--backend', 'cpu');
    expect(malformed.stderr).toMatch(/--score file .*broken\.json is not valid JSON/);
    const badField = nodePath.join(dir, 'bad.json');
    await fs.writeFile(badField, JSON.stringify({ weights: [0.5, -1], means: [[0, 0], [1, 1]], stds: [1, 1] }));
    const bad = await cli('sample', '--score', `analytic:${badField}`, '--out', nodePath.join(dir, 's.npy'), '--backend', 'cpu');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a valid Gaussian mixture: .*weights must be/s);
    for (const r of [missing, malformed, bad]) expectClean(r.stderr);
  });

  it('a wrong-shaped .npy names the expected shape', async () => {
    const x = nodePath.join(dir, 'x3.npy');
    await saveNpy(x, [1, 2, 3, 4, 5, 6], [2, 3]);
    const r = await cli('likelihood', '--score', `analytic:${mixture}`, '--data', x, '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--data ${x} has shape [2, 3]; expected [n, 2] for this model`);
    const missing = await cli('likelihood', '--score', `analytic:${mixture}`, '--data', nodePath.join(dir, 'none.npy'), '--backend', 'cpu');
    expect(missing.stderr).toMatch(/Cannot read --data file .*none\.npy: no such file/);
  });

  it('a bad training config reports every problem at once, with allowed values', async () => {
    const config = nodePath.join(dir, 'train.json');
    await fs.writeFile(config, JSON.stringify({ sde: 'vpp', objective: { name: 'dsmm' }, lr: 0 }));
    const r = await cli('train', '--preset', '2d', '--config', config, '--steps', 'many', '--out', nodePath.join(dir, 'run'), '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid training config:');
    expect(r.stderr).toContain(`  - sde.name: unknown sde 'vpp' (allowed: ${SDE_NAMES.join(', ')})`);
    expect(r.stderr).toContain(`  - objective.name: unknown objective 'dsmm' (allowed: ${OBJECTIVE_NAMES.join(', ')})`);
    expect(r.stderr).toContain('  - lr: must be a number > 0, got 0');
    expect(r.stderr).toContain("  - steps: must be an integer ≥ 1, got 'many'");
    expectClean(r.stderr);
  });

  it('an unknown preset, a missing config file and an unknown backend are named', async () => {
    const preset = await cli('train', '--preset', 'cifar', '--out', nodePath.join(dir, 'run'));
    expect(preset.stderr).toContain("--preset: unknown preset 'cifar' (allowed: 2d, mnist, rbm-mnist, hopfield-mnist, ebm-2d)");
    const config = await cli('train', '--config', nodePath.join(dir, 'none.json'), '--out', nodePath.join(dir, 'run'));
    expect(config.stderr).toMatch(/Cannot read --config file .*none\.json: no such file/);
    const backend = await cli('sample', '--score', `analytic:${mixture}`, '--out', nodePath.join(dir, 's.npy'), '--backend', 'gpu');
    // Listed with sample's other flag problems, in train's format.
    expect(backend.stderr).toContain("  - --backend: unknown backend 'gpu' (allowed: auto, tensorflow, webgpu, webgl, wasm, cpu)");
    const threads = await cli('train', '--preset', '2d', '--out', nodePath.join(dir, 'run'), '--backend', 'cpu', '--threads', 'all');
    expect(threads.stderr).toContain("--threads: must be 1 (main thread only) or 2 (main thread + one worker for the wasm kernels), got 'all'");
    for (const r of [preset, config, backend, threads]) expect(r.code).toBe(2);
  });

  it('a missing data set says how to get it', async () => {
    const r = await cli('train', '--preset', 'mnist', '--dataset', 'fashion-mnist', '--out', nodePath.join(dir, 'fm'), '--backend', 'cpu',
      '--config', await writeJson(dir, 'fm.json', { dataset: { name: 'fashion-mnist', dir: nodePath.join(dir, 'no-such-dir') } }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cannot load data set 'fashion-mnist':.*no-such-dir/s);
    expect(r.stderr).toMatch(/apt-get install dataset-fashion-mnist|download|get/i);
  });
});

async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const p = nodePath.join(dir, name);
  await fs.writeFile(p, JSON.stringify(value));
  return p;
}
