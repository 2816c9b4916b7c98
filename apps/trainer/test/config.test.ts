import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { SDE_NAMES } from '@scorekit/sde';
import { OBJECTIVE_NAMES } from '@scorekit/objectives';
import { SAMPLER_NAMES } from '@scorekit/samplers';
import { DATASET_NAMES, parseTrainConfig } from '../src/config.js';
import { formatProblems } from '../src/errors.js';
import type { ConfigProblem } from '../src/errors.js';
import { TRAIN_PRESETS } from '../src/presets.js';

const problemsOf = (input: unknown): ConfigProblem[] => {
  const r = parseTrainConfig(input);
  if (E.isRight(r)) throw new Error(`expected problems, got a valid config: ${JSON.stringify(r.right)}`);
  return r.left;
};

describe('parseTrainConfig', () => {
  it('accepts both presets and fills in the score_sde defaults', () => {
    for (const preset of Object.values(TRAIN_PRESETS)) {
      const r = parseTrainConfig(structuredClone(preset));
      expect(E.isRight(r), E.isLeft(r) ? formatProblems(r.left) : '').toBe(true);
    }
    const { lr: _lr, warmup: _w, gradClip: _g, emaDecay: _e, ...bare } = structuredClone(TRAIN_PRESETS['2d']);
    const r = parseTrainConfig(bare);
    if (E.isLeft(r)) throw new Error(formatProblems(r.left));
    // score_sde configs/default_*_configs.py: optim.lr 2e-4, warmup 5000, grad_clip 1, model.ema_rate 0.9999
    expect([r.right.lr, r.right.warmup, r.right.gradClip, r.right.emaDecay]).toEqual([2e-4, 5000, 1, 0.9999]);
  });

  it('reports every bad field at once, each naming the field', () => {
    const bad = {
      ...structuredClone(TRAIN_PRESETS['2d']),
      dataset: { name: 'moons' },
      sde: { name: 'vpp' },
      objective: { name: 'dsmm' },
      sampler: { name: 'dpm' },
      steps: 0,
      batchSize: 2.5,
      lr: -1,
      warmup: -3,
      gradClip: 0,
      emaDecay: 1.5,
      seed: 'x',
      logEvery: 0,
      sampleEvery: -1,
      checkpointEvery: 'often',
      keepCheckpoints: 0,
      sampleCount: 0,
      trajectoryEvery: -2,
      conditional: 'yes',
      scoreModel: 3,
      colour: 'red',
    };
    const problems = problemsOf(bad);
    const fields = problems.map((p) => p.field).sort();
    expect(fields).toEqual(
      [
        'batchSize', 'checkpointEvery', 'colour', 'conditional', 'dataset.name', 'emaDecay', 'gradClip', 'keepCheckpoints',
        'logEvery', 'lr', 'objective.name', 'sampleCount', 'sampleEvery', 'sampler.name', 'scoreModel', 'sde.name', 'seed',
        'steps', 'trajectoryEvery', 'warmup',
      ].sort(),
    );
    const by = (f: string) => problems.find((p) => p.field === f)!;
    expect(by('sde.name').allowed).toEqual(SDE_NAMES);
    expect(by('objective.name').allowed).toEqual(OBJECTIVE_NAMES);
    expect(by('sampler.name').allowed).toEqual(SAMPLER_NAMES);
    expect(by('dataset.name').allowed).toEqual(DATASET_NAMES);
    expect(by('steps').message).toBe('must be an integer ≥ 1, got 0');
    expect(by('lr').message).toBe('must be a number > 0, got -1');
    expect(by('emaDecay').message).toBe('must be a number in [0, 1], got 1.5');
    expect(by('colour').message).toBe('unknown field');
    expect(formatProblems([by('sde.name')])).toBe(`  - sde.name: unknown sde 'vpp' (allowed: ${SDE_NAMES.join(', ')})`);
  });

  it("reports problems inside nested configs through their packages' resolvers", () => {
    const problems = problemsOf({
      ...structuredClone(TRAIN_PRESETS['2d']),
      network: { name: 'mlp', dim: 2, width: -4, activation: 'relu' },
      objective: { name: 'continuous-dsm', weighting: 'cubic' },
      sampler: { name: 'pc', snr: -1 },
      sde: { name: 've', sigmaMax: 'big' },
    });
    const fields = problems.map((p) => p.field);
    // two problems in the network (width, activation), at least one in each other nested config
    expect(fields.filter((f) => f === 'network')).toHaveLength(2);
    for (const f of ['objective', 'sampler', 'sde']) expect(fields).toContain(f);
    expect(problems.find((p) => p.field === 'network' && /activation/.test(p.message))).toBeDefined();
  });

  it('rejects an unknown network kind with the allowed kinds, and a U-Net on 2D data', () => {
    const kind = problemsOf({ ...structuredClone(TRAIN_PRESETS['2d']), network: { kind: 'resnet' } });
    expect(kind).toEqual([expect.objectContaining({ field: 'network.kind', allowed: expect.arrayContaining(['mlp', 'unet']) })]);
    const name = problemsOf({ ...structuredClone(TRAIN_PRESETS['2d']), network: { name: 'resnet' } });
    expect(name).toEqual([expect.objectContaining({ field: 'network.name', allowed: expect.arrayContaining(['mlp', 'unet']) })]);
    const mismatch = problemsOf({ ...structuredClone(TRAIN_PRESETS.mnist), dataset: 'two-moons' });
    expect(mismatch).toEqual([expect.objectContaining({ field: 'network.name', allowed: ['mlp'] })]);
    const conditional = problemsOf({ ...structuredClone(TRAIN_PRESETS.mnist), conditional: true });
    expect(conditional.map((p) => p.field)).toEqual(['conditional']);
  });

  it('rejects a config that is not an object', () => {
    expect(problemsOf([1, 2])).toEqual([{ field: 'config', message: 'must be a JSON object, got [1,2]' }]);
  });
});
