import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, Rng } from '@scorekit/core';
import { DdpmSde, VeSde, VpSde, type Prediction } from '@scorekit/sde';
import { describeOnBackends, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  OBJECTIVE_NAMES,
  ObjectiveConfigError,
  continuousDsmLoss,
  createObjective,
  ddpmLoss,
  dsmLoss,
  edmLoss,
  exactScoreMatchingLoss,
  ncsnLoss,
  objectiveOptionNames,
  slicedScoreMatchingLoss,
  type DenoiserModel,
  type ModelCallOptions,
  type ObjectiveConfig,
  type ScoreFunction,
} from '../src/index.js';
import { exactDenoiser, exactScore, mixture, scalar } from './helpers.js';

describe('objective registry', () => {
  it('names every objective and resolves documented defaults', () => {
    expect(OBJECTIVE_NAMES).toEqual(['exact-sm', 'sliced-sm', 'dsm', 'ncsn', 'ddpm', 'continuous-dsm', 'edm']);
    const defaults: Record<string, Record<string, unknown>> = Object.fromEntries(OBJECTIVE_NAMES.map((name) => [name, { ...createObjective({ name }).options }]));
    expect(defaults['exact-sm']).toEqual({});
    expect(defaults['sliced-sm']).toEqual({ projection: 'rademacher', varianceReduced: true, projections: 1 });
    expect(defaults.dsm).toEqual({ sigma: 0.01, reduce: 'sum' });
    expect(defaults.ncsn.reduce).toBe('sum');
    expect(defaults.ncsn.sigmas).toHaveLength(10);
    expect(defaults.ddpm).toEqual({ reduce: 'mean' });
    expect(defaults['continuous-dsm']).toEqual({ weighting: 'sigma2', eps: 1e-5, importanceSampling: false, reduce: 'sum' });
    expect(defaults.edm).toEqual({ pMean: -1.2, pStd: 1.2, sigmaData: 0.5, reduce: 'mean' });
    // resolved options survive JSON (configs and checkpoints store them)
    for (const name of OBJECTIVE_NAMES) expect(JSON.parse(JSON.stringify(defaults[name]))).toEqual(defaults[name]);
    expect(createObjective({ name: 'dsm' }).requires).toBe('score');
    expect(createObjective({ name: 'edm' }).requires).toBe('denoiser');
    expect(objectiveOptionNames('continuous-dsm')).toEqual(['weighting', 'eps', 'importanceSampling', 'reduce']);
  });

  it('rejects unknown names and options, listing every problem and what is allowed', () => {
    expect(() => createObjective({ name: 'sm' })).toThrow(/name must be one of 'exact-sm', 'sliced-sm', 'dsm', 'ncsn', 'ddpm', 'continuous-dsm', 'edm', got 'sm'/);
    expect(() => createObjective({ name: 'toString' })).toThrow(ObjectiveConfigError);
    expect(() => objectiveOptionNames('toString' as never)).toThrow(/name must be one of/);
    expect(() => createObjective(null as never)).toThrow(/config must be an object \{ name, \.\.\.options \}/);
    try {
      createObjective({ name: 'continuous-dsm', weighting: 'g2', eps: 3, importanceSampling: 'on', reduce: 'max', training: true } as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ObjectiveConfigError);
      const problems = (e as ObjectiveConfigError).problems;
      expect(problems).toHaveLength(5);
      expect(problems[0]).toMatch(/continuous-dsm.training is not an option of this objective \(allowed: weighting, eps, importanceSampling, reduce\)/);
      expect(problems.join('\n')).toMatch(/weighting must be one of 'sigma2', 'likelihood', 'none', got 'g2'/);
      // The same problems as core ConfigError issues: one error family across the libraries, paths and allowed values.
      expect(e).toBeInstanceOf(ConfigError);
      const issues = (e as ConfigError).issues;
      expect(issues.map((i) => i.path).sort()).toEqual(['continuous-dsm.eps', 'continuous-dsm.importanceSampling', 'continuous-dsm.reduce', 'continuous-dsm.training', 'continuous-dsm.weighting']);
      expect(issues.find((i) => i.path === 'continuous-dsm.weighting')?.allowed).toBe("one of 'sigma2', 'likelihood', 'none'");
    }
  });
});

/** A denoiser that records the options it was called with. */
function recording(inner: DenoiserModel, seen: ModelCallOptions[]): DenoiserModel {
  return { sde: inner.sde, predict: (x, t, options) => (seen.push(options ?? {}), inner.predict(x, t, options)) };
}

describeOnBackends('objectives created by name', () => {
  const x = mixture.sample(32, new Rng(1));
  const score: ScoreFunction = exactScore(mixture, 0.2);
  const vp = exactDenoiser(mixture, new VpSde(), 'eps');
  const ve = exactDenoiser(mixture, new VeSde({ sigmaMax: 20 }), 'x0');
  const ddpm = exactDenoiser(mixture, new DdpmSde(), 'v');
  const cases: [ObjectiveConfig, () => tf.Scalar, ScoreFunction | DenoiserModel][] = [
    [{ name: 'exact-sm' }, () => exactScoreMatchingLoss(score, x, new Rng(5)), score],
    [{ name: 'sliced-sm', projection: 'gaussian', projections: 3 }, () => slicedScoreMatchingLoss(score, x, new Rng(5), { projection: 'gaussian', projections: 3 }), score],
    [{ name: 'dsm', sigma: 0.2 }, () => dsmLoss(score, x, new Rng(5), { sigma: 0.2 }), score],
    [{ name: 'ncsn', sigmas: [1, 0.5, 0.1] }, () => ncsnLoss(ve, x, new Rng(5), { sigmas: [1, 0.5, 0.1] }), ve],
    [{ name: 'ddpm' }, () => ddpmLoss(ddpm, x, new Rng(5)), ddpm],
    [{ name: 'continuous-dsm', weighting: 'likelihood', importanceSampling: true }, () => continuousDsmLoss(vp, x, new Rng(5), { weighting: 'likelihood', importanceSampling: true }), vp],
    [{ name: 'edm', pMean: -1 }, () => edmLoss(ve, x, new Rng(5), { pMean: -1 }), ve],
  ];

  for (const [config, direct, model] of cases) {
    it(`'${config.name}' computes what its function computes, from the same seed`, () => {
      const objective = createObjective(config);
      const viaRegistry = scalar(objective.loss(model as never, x, new Rng(5)));
      // Identical computation and random draws: equal up to float32 summation order (none here): 1e-6 relative.
      expectClose(viaRegistry, scalar(direct()), 1e-6, 1e-6);
      expect(Number.isFinite(viaRegistry)).toBe(true);
    });
  }

  it('hands the model training mode (default on), the rng and the batch labels', () => {
    const seen: ModelCallOptions[] = [];
    const model = recording(vp, seen);
    const labels = tf.tensor1d([...Array(32).keys()], 'int32');
    const objective = createObjective({ name: 'continuous-dsm' });
    const rng = new Rng(3);
    scalar(objective.loss(model, { x, labels }, rng));
    scalar(objective.loss(model, x, rng, { training: false }));
    expect(seen[0].training).toBe(true);
    expect(seen[0].rng).toBe(rng);
    expect(seen[0].labels).toBe(labels);
    expect(seen[1].training).toBe(false);
    expect(seen[1].labels).toBeUndefined();
  });

  it('leaves no tensors behind', async () => {
    const objectives = cases.map(([config, , model]) => [createObjective(config), model] as const);
    await expectNoTensorLeak(() => {
      for (const [objective, model] of objectives) scalar(objective.loss(model as never, x, new Rng(1)));
    });
  });

  it('a model whose predictions are mis-shaped is named in the error', () => {
    const bad: DenoiserModel = { sde: new VpSde(), predict: (y) => ({ score: y, eps: tf.zeros([y.shape[0], 3]), x0: y, v: y }) as unknown as Prediction };
    expect(() => createObjective({ name: 'continuous-dsm' }).loss(bad, x, new Rng(1))).toThrow(/model.predict\(x, t\).eps must be shaped like x \[32,2\]; got \[32,3\]/);
  });
});
