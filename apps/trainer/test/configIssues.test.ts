import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { ConfigError } from '@scorekit/core';
import { SDE_NAMES } from '@scorekit/sde';
import { fromError, parseTrainConfig } from '../src/config.js';
import type { ConfigProblem } from '../src/errors.js';
import { formatProblems } from '../src/errors.js';
import { TRAIN_PRESETS } from '../src/presets.js';

const problemsOf = (input: unknown): ConfigProblem[] => {
  const r = parseTrainConfig(input);
  if (E.isRight(r)) throw new Error(`expected problems, got a valid config: ${JSON.stringify(r.right)}`);
  return r.left;
};

// config.json of a 2d run written before variants were named by `name` (every field as the trainer stored it:
// the network under `kind`, the score model's parameterisation under `parameterisation`).
const OLD_RUN_CONFIG = {
  dataset: { name: 'ncsn-mixture' },
  network: { kind: 'mlp', dim: 2, width: 128, depth: 3, embedding: 'sinusoidal', embeddingDim: 32 },
  scoreModel: { parameterisation: 'eps' },
  sde: { name: 'vp' },
  objective: { name: 'continuous-dsm' },
  conditional: false,
  steps: 2000,
  batchSize: 256,
  lr: 0.002,
  warmup: 100,
  gradClip: 1,
  emaDecay: 0.999,
  seed: 0,
  logEvery: 25,
  sampleEvery: 1000,
  checkpointEvery: 1000,
  keepCheckpoints: 3,
  sampler: { name: 'euler-maruyama', steps: 200 },
  sampleCount: 2000,
  trajectoryEvery: 10,
};

describe('config problems carry the issues of the packages: path and what is allowed', () => {
  it('three mistakes in three nested configs give three problems, each with its full path and allowed words', () => {
    const problems = problemsOf({
      ...structuredClone(TRAIN_PRESETS['2d']),
      network: { name: 'mlp', dim: 2, width: -4 },
      sampler: { name: 'euler-maruyama', steps: 0 },
      objective: { name: 'continuous-dsm', eps: 3 },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['network.width', 'objective.eps', 'sampler.steps']);
    const by = (path: string) => problems.find((p) => p.path === path)!;
    expect(by('network.width')).toMatchObject({ field: 'network', accepts: 'an integer in [1, ∞]' });
    expect(by('sampler.steps')).toMatchObject({ field: 'sampler', accepts: 'an integer ≥ 1' });
    expect(by('objective.eps')).toMatchObject({ field: 'objective', accepts: 'a number in (0, 1)' });
  });

  it("the score model's problems, checked against the SDE, carry their path once", () => {
    const problems = problemsOf({ ...structuredClone(TRAIN_PRESETS['2d']), scoreModel: { name: 'eps', scaleBySigma: true, sigmaData: -1 } });
    expect(problems.map((p) => p.path).sort()).toEqual(['scoreModel.scaleBySigma', 'scoreModel.sigmaData']);
    expect(problems.find((p) => p.path === 'scoreModel.sigmaData')).toMatchObject({ field: 'scoreModel', accepts: 'a number > 0' });
  });

  it('an energy network reports its inner network fields under network', () => {
    let error: unknown;
    try {
      throw new ConfigError('energy', [{ path: 'energy.network.activation', problem: "must be one of 'silu', got 'foo'", allowed: "one of 'silu'" }]);
    } catch (e) {
      error = e;
    }
    expect(fromError('network', error, 'energy.network')).toEqual([
      { field: 'network', path: 'network.activation', message: "energy.network.activation must be one of 'silu', got 'foo'", accepts: "one of 'silu'" },
    ]);
  });

  it('reports checks across fields together with the fields’ own problems, not after them', () => {
    const problems = problemsOf({ ...structuredClone(TRAIN_PRESETS.mnist), conditional: true, steps: 0, labelDropout: 0.1 });
    expect(problems.map((p) => p.field).sort()).toEqual(['conditional', 'steps']);
    const moons = problemsOf({ ...structuredClone(TRAIN_PRESETS.mnist), dataset: 'two-moons', lr: -1 });
    expect(moons.map((p) => p.field).sort()).toEqual(['lr', 'network.name']);
  });

  it('an unknown SDE lists the allowed names', () => {
    const [p] = problemsOf({ ...structuredClone(TRAIN_PRESETS['2d']), sde: 'vpp' });
    expect(p).toEqual({ field: 'sde.name', message: "unknown sde 'vpp'", allowed: SDE_NAMES });
    expect(formatProblems([p!])).toContain(`(allowed: ${SDE_NAMES.join(', ')})`);
  });
});

describe('variants named by name, with the older kind and parameterisation still read', () => {
  const { kind: _, ...network } = OLD_RUN_CONFIG.network;
  const CURRENT = { ...structuredClone(OLD_RUN_CONFIG), network: { name: 'mlp', ...network }, scoreModel: { name: 'eps' } };

  it("an old run's config.json (network keyed by kind, parameterisation) still loads, under the current keys", () => {
    const r = parseTrainConfig(structuredClone(OLD_RUN_CONFIG));
    if (E.isLeft(r)) throw new Error(formatProblems(r.left));
    expect(r.right).toEqual(CURRENT);
    expect(r.right.network).not.toHaveProperty('kind');
    expect(r.right.scoreModel).not.toHaveProperty('parameterisation');
  });

  it('a config keyed by name parses to what the run folder stores (name); an unknown name lists the allowed ones', () => {
    const r = parseTrainConfig(structuredClone(CURRENT));
    if (E.isLeft(r)) throw new Error(formatProblems(r.left));
    expect(r.right).toEqual(CURRENT);
    const bad = problemsOf({ ...structuredClone(OLD_RUN_CONFIG), network: { name: 'resnet' } });
    expect(bad).toEqual([expect.objectContaining({ field: 'network.name', message: "unknown network 'resnet'", allowed: expect.arrayContaining(['mlp', 'unet', 'energy']) })]);
  });

  it('old and new keys that disagree are one problem each, naming both, reported with the other problems', () => {
    const problems = problemsOf({ ...structuredClone(CURRENT), network: { name: 'mlp', kind: 'unet', dim: 2 }, scoreModel: { name: 'eps', parameterisation: 'edm' }, lr: -1 });
    expect(problems.map((p) => p.path ?? p.field).sort()).toEqual(['lr', 'network.name', 'scoreModel.name']);
    expect(problems.find((p) => p.path === 'network.name')?.message).toBe("name 'mlp' and kind 'unet' disagree: give only 'name' ('kind' is its deprecated spelling)");
    expect(problems.find((p) => p.path === 'scoreModel.name')?.message).toContain("name 'eps' and parameterisation 'edm' disagree");
  });
});
