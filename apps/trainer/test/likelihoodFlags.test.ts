import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { likelihoodFlagProblems } from '../src/commands/likelihoodFlagChecks.js';
import { cli } from './cliHarness.js';
import { problemLines, tempDir } from './helpers.js';

describe('scorekit likelihood checks its flags in one pass', () => {
  it('names every bad flag and what it accepts, and passes a valid command line', () => {
    const problems = likelihoodFlagProblems({ dataset: 'cifar', count: '0', out: 'logp.txt', seed: 'x', estimator: 'mc', rtol: '0', atol: '-1', threads: '4', backend: 'gpu' });
    expect(problems.map((p) => p.field)).toEqual(['--dataset', '--count', '--out', '--seed', '--estimator', '--rtol', '--atol', '--threads', '--backend']);
    expect(problems.find((p) => p.field === '--estimator')?.allowed).toEqual(['exact', 'hutchinson', 'auto']);
    expect(problems.find((p) => p.field === '--dataset')?.allowed).toContain('mnist:test');
    expect(likelihoodFlagProblems({ data: 'x.npy', out: 'logp.npy', seed: '3', estimator: 'exact', rtol: '1e-3', atol: '1e-3', threads: '1', backend: 'cpu' })).toEqual([]);
    expect(likelihoodFlagProblems({ dataset: 'mnist:test', count: '10' })).toEqual([]);
    // Neither or both of --data and --dataset.
    expect(likelihoodFlagProblems({}).map((p) => p.field)).toEqual(['--data']);
    expect(likelihoodFlagProblems({ data: 'x.npy', dataset: 'mnist' }).map((p) => p.field)).toEqual(['--data']);
  });

  it('three bad flags on the command line: all three reported, exit 2, nothing written', async () => {
    const dir = await tempDir();
    const mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [1], means: [[0, 0]], stds: [1] }));
    const out = nodePath.join(dir, 'never.npy');
    // --data names a file that does not exist: the flags are refused before anything is read.
    const r = await cli('likelihood', '--score', `analytic:${mixture}`, '--data', nodePath.join(dir, 'none.npy'), '--estimator', 'mc', '--rtol', '0', '--seed', '-4', '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid flags:');
    expect(problemLines(r.stderr)).toEqual([
      "  - --seed: must be an integer in [0, 4294967295], got '-4'",
      "  - --estimator: unknown estimator 'mc' (allowed: exact, hutchinson, auto)",
      "  - --rtol: must be a number > 0, got '0'",
    ]);
    await expect(fs.stat(out)).rejects.toThrow();
  });
});
