import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLER_NAMES } from '@scorekit/samplers';
import { sampleFlagProblems } from '../src/commands/sampleFlagChecks.js';
import { conditioningFlagProblems } from '../src/conditioning.js';
import { samplerFlagProblems } from '../src/samplerOptions.js';
import { cli } from './cliHarness.js';
import { problemLines, tempDir } from './helpers.js';

describe('scorekit sample checks its flags in one pass', () => {
  it('names every bad flag and what it accepts, and passes a valid command line', () => {
    const problems = sampleFlagProblems({ out: 'x.txt', n: '0', seed: '-1', step: '1.5', trajectory: 'each=2', x0Threshold: 'soft', batchSize: '0', threads: '3', backend: 'gpu', start: 'random' });
    expect(problems.map((p) => p.field)).toEqual(['--out', '--n', '--seed', '--step', '--trajectory', '--start', '--x0-threshold', '--batch-size', '--threads', '--backend']);
    expect(problems.find((p) => p.field === '--x0-threshold')?.allowed).toEqual(['none', 'clip', 'dynamic']);
    expect(sampleFlagProblems({ out: ['s.npy', 's.png'], n: '64', seed: '7', step: '100', trajectory: 'every=2', x0Threshold: 'clip', batchSize: '8', threads: '2', backend: 'cpu' })).toEqual([]);
    // --start is an energy checkpoint's flag: with a checkpoint, its kind decides after it is read.
    expect(sampleFlagProblems({ out: 's.npy', checkpoint: 'runs/rbm', start: 'test' })).toEqual([]);
  });

  it('refuses the shard combinations together: --trajectory, too few samples, a PNG, --batch-size', () => {
    const problems = sampleFlagProblems({ out: 's.png', n: '2', shard: '0/4', trajectory: 'every=1', batchSize: '2' });
    expect(problems.map((p) => p.field)).toEqual(['--trajectory', '--n', '--out', '--batch-size']);
    expect(problems[1]?.message).toBe('2 is fewer samples than the 4 shards; every shard needs at least one');
    expect(sampleFlagProblems({ out: 's.npy', shard: '4/4' })).toEqual([{ field: '--shard', message: "must be i/N with 0 ≤ i < N (e.g. 0/4), got '4/4'" }]);
    expect(sampleFlagProblems({ out: 's.npy', shards: '2' }, {})).toEqual([expect.objectContaining({ field: '--shards', message: expect.stringContaining('JOB_COMPLETION_INDEX') })]);
  });

  it('three bad flags on the command line: all three reported, exit 2, nothing written', async () => {
    const dir = await tempDir();
    const mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [1], means: [[0, 0]], stds: [1] }));
    const out = nodePath.join(dir, 'never.npy');
    const r = await cli('sample', '--score', `analytic:${mixture}`, '--n', '0', '--seed', '1.5', '--x0-threshold', 'soft', '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid flags:');
    expect(problemLines(r.stderr)).toEqual([
      "  - --n: must be an integer ≥ 1, got '0'",
      "  - --seed: must be an integer in [0, 4294967295], got '1.5'",
      "  - --x0-threshold: must be none, clip or dynamic, got 'soft' (allowed: none, clip, dynamic)",
    ]);
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('a bad --n, a bad sampler option and a bad conditioning flag: one list of all three, exit 2, nothing written', async () => {
    const dir = await tempDir();
    const mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [0.5, 0.5], means: [[-2, 0], [2, 1]], stds: [0.5, 0.5] }));
    const out = nodePath.join(dir, 'never.npy');
    const r = await cli('sample', '--score', `analytic:${mixture}`, '--n', '0', '--sampler', 'ddim', '--steps', '-1', '--class', 'x', '--out', out, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(2);
    // One heading, one list: the sampler's and the conditioning checks are no separate stages any more.
    expect(r.stderr.match(/Invalid/g)).toEqual(['Invalid']);
    expect(r.stderr).toContain('Invalid flags:');
    expect(problemLines(r.stderr)).toEqual([
      "  - --n: must be an integer ≥ 1, got '0'",
      "  - --steps: must be an integer ≥ 1, got '-1'",
      "  - --class: must be 'cycle' or a class index 0, 1, …, got 'x'",
    ]);
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('the sampler and conditioning checks return every problem of their flags, and none for valid ones', () => {
    expect(samplerFlagProblems({ sampler: 'dpm' })).toEqual([{ field: '--sampler', message: "unknown sampler 'dpm'", allowed: SAMPLER_NAMES }]);
    expect(samplerFlagProblems({ sampler: 'ddim', steps: '2.5', option: ['churn=1', 'eta'] }).map((p) => p.field)).toEqual(['--option', '--steps', '--option churn']);
    expect(samplerFlagProblems({ sampler: 'ddim', steps: '20', eta: '0' })).toEqual([]);
    expect(conditioningFlagProblems({ guidanceScale: '-1', cfgScale: '1', inpaint: 'v.npy' }).map((p) => p.field)).toEqual(['--guidance-scale', '--guidance-scale', '--cfg-scale', '--inpaint']);
    expect(conditioningFlagProblems({ classifier: 'analytic', class: 'cycle', score: 'analytic:m.json', guidanceScale: '2' })).toEqual([]);
  });
});
