import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../src/cli.js';
import { cli } from './cliHarness.js';
import { readMetrics, tempDir, tinyConfig } from './helpers.js';

// Every command the program registers, read from the program itself, so a new command is covered by these tests
// without editing them.
const COMMANDS = createProgram().commands.map((c) => c.name());

describe('scorekit: version, help, usage errors and --json on every command', () => {
  let dir: string;
  let mixture: string;
  beforeAll(async () => {
    dir = await tempDir();
    mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [0.5, 0.5], means: [[-2, 0], [2, 0]], stds: [0.5, 0.5] }));
  });

  it('--version prints package.json version and exits 0', async () => {
    const manifest = JSON.parse(await fs.readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await cli(flag);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(manifest.version);
    }
  });

  it('--help lists every command and exits 0', async () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['train', 'sample', 'likelihood', 'eval', 'train-classifier', 'gallery']));
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const name of COMMANDS) expect(r.stdout).toContain(name);
  });

  it.each(COMMANDS)('%s: an unknown option exits 2 and names it; --help exits 0; --json is offered', async (name) => {
    const bad = await cli(name, '--no-such-flag');
    expect(bad.code).toBe(2);
    // commander names the unknown option, or first a required option that is missing (gallery's --runs)
    expect(bad.stderr).toMatch(/unknown option '--no-such-flag'|required option '--runs <dir>' not specified/);
    const help = await cli(name, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--json');
  });

  it('an unknown command exits 2', async () => {
    const r = await cli('smaple');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'smaple'/);
  });

  it('sample --json: one JSON result line on stdout (n, out, sampler), the backend report on stderr only', async () => {
    const out = nodePath.join(dir, 's.npy');
    const r = await cli('sample', '--score', `analytic:${mixture}`, '--n', '8', '--steps', '20', '--out', out, '--backend', 'cpu', '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as { n: number; out: string; sampler: string };
    expect(result).toMatchObject({ n: 8, out });
    expect(r.stderr).toContain('scorekit backend: cpu');
    expect(r.stdout).not.toContain('scorekit backend');
    // the file the JSON names holds the 8 two-dimensional samples: 8 · 2 float32 after the .npy header
    const bytes = (await fs.stat(out)).size;
    expect(bytes - 8 * 2 * 4).toBeGreaterThanOrEqual(64);
    expect(bytes - 8 * 2 * 4).toBeLessThanOrEqual(256);
  });

  it('likelihood --json: the mean log-density of points from the mixture, in JSON on stdout', async () => {
    const data = nodePath.join(dir, 's.npy');
    const r = await cli('likelihood', '--score', `analytic:${mixture}`, '--data', data, '--backend', 'cpu', '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout.trim()) as { n: number; meanLogp: number };
    expect(result.n).toBe(8);
    // a 2-D mixture of two σ = 0.5 Gaussians: log p ≤ log(0.5 / (2π·0.25)) ≈ −1.14 everywhere, and samples near
    // the modes are not far below it
    expect(result.meanLogp).toBeLessThan(-1.1);
    expect(result.meanLogp).toBeGreaterThan(-6);
  });

  it('train --json: the summary as one JSON line on stdout, matching summary.json and metrics.jsonl', async () => {
    const run = nodePath.join(dir, 'run');
    const configFile = nodePath.join(dir, 'tiny.json');
    const { steps: _s, ...config } = tinyConfig({});
    await fs.writeFile(configFile, JSON.stringify(config));
    const r = await cli('train', '--config', configFile, '--steps', '3', '--out', run, '--backend', 'cpu', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!) as { runFolder: string; status: string; step: number; steps: number; finalLoss: number };
    expect(summary).toMatchObject({ runFolder: run, status: 'completed', step: 3, steps: 3 });
    const metrics = await readMetrics(run);
    expect(summary.finalLoss).toBeCloseTo(metrics[metrics.length - 1]!.loss, 6);
    expect(r.stderr).toMatch(/completed at step 3\/3/);
  });
});
