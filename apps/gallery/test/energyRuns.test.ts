import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, readRun } from '../src/index.js';

// Energy-model runs (scorekit train with name rbm / hopfield / ebm-cd) have no network, sde or objective in their
// config.json; the readers describe them from the model's name (the RBM's config is one written before `name`, under
// the older key `kind`, which is still read). (apps/trainer/test/energyRuns.test.ts reads real ones.)
describe('energy-model run folders', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'gallery-energy-'));
    const mk = async (name: string, files: Record<string, string>) => {
      for (const [f, text] of Object.entries(files)) {
        await fs.mkdir(nodePath.dirname(nodePath.join(root, name, f)), { recursive: true });
        await fs.writeFile(nodePath.join(root, name, f), text);
      }
    };
    await mk('rbm', {
      'config.json': JSON.stringify({ kind: 'rbm', dataset: { name: 'mnist', binarisation: 'threshold' }, hiddenUnits: 500, k: 1, persistent: true, steps: 40 }),
      'metrics.jsonl': '{"step":20,"loss":0.05,"lr":0.05}\n{"step":40,"loss":0.04,"lr":0.05}\n',
      'summary.json': JSON.stringify({ status: 'completed', step: 40 }),
      'checkpoints/step-000000040/checkpoint.json': '{}',
      'samples/step-000000040.npy': '',
      'samples/step-000000040.png': '',
    });
    await mk('ebm', { 'config.json': JSON.stringify({ name: 'ebm-cd', dataset: { name: 'two-moons' }, network: { width: 64, depth: 2 }, langevin: { steps: 10 }, steps: 8 }) });
    await mk('unknown-kind', { 'config.json': JSON.stringify({ kind: 'boltzmann', dataset: 'mnist' }) });
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it('lists them with the model, the training rule and the kind of picture; an unknown kind stays malformed', async () => {
    const { runs, malformed } = await listRuns(root);
    expect(runs.map((r) => [r.name, r.model, r.sde, r.objective, r.kind, r.stepsDone, r.stepsPlanned, r.status])).toEqual([
      ['ebm', 'energy mlp 64×2', 'no', 'CD, Langevin K=10 + replay buffer', 'points', 0, 8, 'running'],
      ['rbm', 'rbm 500 hidden', 'no', 'PCD-1', 'images', 40, 40, 'completed'],
    ]);
    expect(malformed).toEqual([{ name: 'unknown-kind', reason: 'config.json has no network, sde' }]);
  });

  it('reads a run page: metrics, checkpoints and sample sets', async () => {
    const r = await readRun(root, 'rbm');
    if (!r.ok) throw new Error(r.reason);
    expect(r.run.metrics.map((m) => m.loss)).toEqual([0.05, 0.04]);
    expect(r.run.checkpoints).toEqual([40]);
    expect(r.run.sampleSets).toEqual([{ file: 'step-000000040.npy', step: 40, png: 'step-000000040.png' }]);
    expect(r.run.warnings).toEqual([]);
  });
});
