import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { trainFlagProblems } from '../src/commands/trainFlagChecks.js';
import { parseEnergyConfig } from '../src/energyConfig.js';
import { cli } from './cliHarness.js';
import { problemLines, tempDir } from './helpers.js';

describe('scorekit train checks its flags and its config in one validation', () => {
  it('the flag checks name each flag and what it accepts, all at once', () => {
    const problems = trainFlagProblems({ out: ' ', minutes: '-2', threads: '4', backend: 'gpu', seed: '1.5' });
    expect(problems.map((p) => p.field)).toEqual(['--out', '--minutes', '--threads', '--backend', '--seed']);
    expect(problems.find((p) => p.field === '--threads')?.allowed).toEqual(['1', '2']);
    expect(problems.find((p) => p.field === '--backend')?.allowed).toContain('wasm');
    expect(trainFlagProblems({ out: 'runs/a', minutes: '15', threads: '2', backend: 'cpu', seed: '7' })).toEqual([]);
    expect(trainFlagProblems({ resume: true, out: 'runs/a', lr: '1', steps: '9' })).toEqual([
      expect.objectContaining({ field: '--resume', message: expect.stringContaining('--lr would be ignored') }),
    ]);
  });

  it('an energy config reports every problem of every nested part at once', () => {
    const r = parseEnergyConfig({
      name: 'ebm-cd',
      dataset: 'mnist',
      steps: 0,
      network: { width: -1, depth: 2, activation: 'relu6' },
      langevin: { steps: 0, stepSize: 0.1 },
      buffer: { capacity: 10, extra: 1 },
      sampler: { name: 'gibbs' },
    });
    if (E.isRight(r)) throw new Error('expected problems');
    expect(r.left.map((p) => p.field)).toEqual(['dataset.name', 'steps', 'network.width', 'langevin.steps', 'buffer.extra', 'sampler.name']);
    // With its sizes valid, the MLP energy's own check (by @scorekit/models) names the activation and what it allows.
    const act = parseEnergyConfig({ name: 'ebm-cd', dataset: 'two-moons', steps: 3, network: { width: 8, depth: 1, activation: 'relu6' } });
    if (E.isRight(act)) throw new Error('expected a problem');
    expect(act.left).toEqual([expect.objectContaining({ field: 'network', path: 'network.activation', accepts: "one of 'silu', 'softplus', 'tanh'" })]);
  });

  it('bad flags and a bad config field are reported together, exit 2, and nothing is written', async () => {
    const dir = await tempDir();
    const out = nodePath.join(dir, 'run');
    const r = await cli('train', '--preset', '2d', '--out', out, '--minutes', '-3', '--threads', 'all', '--lr', '-1', '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid flags and training config:');
    expect(problemLines(r.stderr)).toEqual([
      "  - --minutes: must be a number > 0, got '-3'",
      "  - --threads: must be 1 (main thread only) or 2 (main thread + one worker for the wasm kernels), got 'all' (allowed: 1, 2)",
      '  - lr: must be a number > 0, got -1',
    ]);
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it("an energy model's config problems join the flags' (three at once), nothing written", async () => {
    const dir = await tempDir();
    const file = nodePath.join(dir, 'rbm.json');
    await fs.writeFile(file, JSON.stringify({ name: 'rbm', dataset: 'mnist', steps: 5, hiddenUnits: -1 }));
    const out = nodePath.join(dir, 'run');
    const r = await cli('train', '--config', file, '--out', out, '--minutes', '0', '--batch-size', '0', '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(problemLines(r.stderr).sort()).toEqual([
      "  - --minutes: must be a number > 0, got '0'",
      '  - batchSize: must be an integer ≥ 1, got 0',
      '  - hiddenUnits: must be an integer ≥ 1, got -1',
    ]);
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('--resume with a run-defining flag, a bad --minutes and no run to resume: three problems, nothing written', async () => {
    const dir = await tempDir();
    const out = nodePath.join(dir, 'no-run');
    const r = await cli('train', '--resume', '--out', out, '--lr', '0.1', '--minutes', 'soon', '--backend', 'cpu');
    expect(r.code).toBe(2);
    const lines = problemLines(r.stderr);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ {2}- --resume: continues the run with its saved config .*; --lr would be ignored\./);
    expect(lines[1]).toBe("  - --minutes: must be a number > 0, got 'soon'");
    expect(lines[2]).toMatch(/^ {2}- --resume: Cannot read --resume run folder .*config\.json/);
    await expect(fs.stat(out)).rejects.toThrow();
  });
});
