import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { loadNpy, loadTensors } from '@scorekit/core/node';
import { loadMnist } from '@scorekit/data/node';
import { Rbm } from '@scorekit/energy';
import { readRun } from '@scorekit/gallery';
import { describeOnBackends } from '@scorekit/test-utils';
import { parseEnergyConfig } from '../src/energyConfig.js';
import type { EnergyTrainConfig } from '../src/energyConfig.js';
import { trainEnergyModel } from '../src/trainEnergyModel.js';
import { decodePng } from '../src/png.js';
import { cli } from './cliHarness.js';
import { tempDir } from './helpers.js';

// Tiny runs of each energy kind, chosen to exercise every piece of checkpointed state: the RBM runs PCD-2 with
// momentum (persistent chains + optimizer slots), the Hopfield network binarises stochastically (the data stream's
// state), the deep EBM's replay buffer (capacity 40, 16 per step) wraps around before the interruption at step 3.
const TINY: Record<EnergyTrainConfig['name'], Record<string, unknown>> = {
  rbm: {
    name: 'rbm', dataset: { name: 'mnist', count: 40 }, hiddenUnits: 8, k: 2, persistent: true, momentum: 0.5, lr: 0.05,
    batchSize: 10, steps: 6, logEvery: 1, sampleCount: 4, sampler: { name: 'gibbs', steps: 2 }, seed: 3,
  },
  hopfield: {
    name: 'hopfield', dataset: { name: 'mnist', count: 20, binarisation: 'stochastic' }, batchSize: 2, steps: 6, logEvery: 1,
    sampleCount: 4, sampler: { name: 'recall', corruption: 0.1, mode: 'asynchronous', maxIterations: 3 }, seed: 3,
  },
  'ebm-cd': {
    name: 'ebm-cd', dataset: 'two-moons', network: { width: 8, depth: 1 }, langevin: { steps: 2, stepSize: 0.02 }, buffer: { capacity: 40 },
    batchSize: 16, steps: 6, logEvery: 1, sampleCount: 8, sampler: { name: 'langevin', steps: 3, stepSize: 0.01 }, seed: 3,
  },
};

it("an energy config saved before `name` (its model under `kind`) parses to the same config, under name", () => {
  for (const kind of ['rbm', 'hopfield', 'ebm-cd'] as const) {
    const { name: _, ...rest } = TINY[kind];
    const old = parseEnergyConfig({ kind, ...rest });
    if (E.isLeft(old)) throw new Error(JSON.stringify(old.left));
    expect(old.right).toEqual(tiny(kind));
    expect(old.right).not.toHaveProperty('kind');
  }
});

function tiny(kind: EnergyTrainConfig['name'], overrides: Record<string, unknown> = {}): EnergyTrainConfig {
  const parsed = parseEnergyConfig({ ...TINY[kind], ...overrides });
  if (E.isLeft(parsed)) throw new Error(JSON.stringify(parsed.left));
  return parsed.right;
}

/** Every tensor of every .safetensors file of a checkpoint folder, as plain arrays keyed by file/name. */
async function checkpointValues(dir: string): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const file of (await fs.readdir(dir)).filter((f) => f.endsWith('.safetensors')).sort()) {
    const { tensors } = await loadTensors(nodePath.join(dir, file));
    for (const [name, t] of Object.entries(tensors)) out[`${file}/${name}`] = Array.from(t.dataSync());
    tf.dispose(Object.values(tensors));
  }
  return out;
}

// config.json and every checkpoint as written before `name`: the energy model, and the checkpointed network (an
// energy network's inner one too), under `kind`.
async function rewriteToOldKeys(run: string): Promise<void> {
  const old = (v: unknown): unknown => {
    if (v == null || typeof v !== 'object' || Array.isArray(v)) return v;
    const { name, network, ...rest } = v as Record<string, unknown>;
    const inner = network != null && typeof network === 'object' && 'name' in network ? old(network) : network;
    return { ...(name !== undefined ? { kind: name } : {}), ...(network !== undefined ? { network: inner } : {}), ...rest };
  };
  const configFile = nodePath.join(run, 'config.json');
  await fs.writeFile(configFile, JSON.stringify(old(JSON.parse(await fs.readFile(configFile, 'utf8')))));
  for (const step of (await fs.readdir(nodePath.join(run, 'checkpoints'))).filter((f) => f.startsWith('step-'))) {
    const file = nodePath.join(run, 'checkpoints', step, 'checkpoint.json');
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...m, config: old(m.config), network: old(m.network) }));
  }
  expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).not.toHaveProperty('name');
}

describeOnBackends('energy-model runs', (backend) => {
  for (const kind of ['rbm', 'hopfield', 'ebm-cd'] as const) {
    it(`${kind}: Ctrl-C saves a checkpoint and --resume continues bit-identically; the gallery reads the run`, async () => {
      const config = tiny(kind);
      const full = await tempDir();
      const counts: number[] = [];
      await trainEnergyModel(config, { runDir: full, onStep: () => counts.push(tf.memory().numTensors) });
      // Optimizer slots and PCD chains appear at the first step; after it nothing may accumulate.
      expect(new Set(counts.slice(1)).size, `live tensors per step: ${counts.join(',')}`).toBe(1);

      const cut = await tempDir();
      const controller = new AbortController();
      const first = await trainEnergyModel(config, { runDir: cut, signal: controller.signal, onStep: (s) => s === 3 && controller.abort() });
      expect(first).toMatchObject({ status: 'interrupted', step: 3 });
      // The RBM and deep-EBM runs are resumed as folders written before `name` hold them (the model under `kind`).
      if (kind !== 'hopfield') await rewriteToOldKeys(cut);
      const second = await trainEnergyModel(config, { runDir: cut, resume: true });
      expect(second).toMatchObject({ status: 'completed', step: 6, startStep: 3 });

      const losses = async (dir: string) => (await fs.readFile(nodePath.join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number });
      expect((await losses(cut)).map((m) => [m.step, m.loss])).toEqual((await losses(full)).map((m) => [m.step, m.loss]));
      const last = 'checkpoints/step-000000006';
      const a = await checkpointValues(nodePath.join(full, last));
      const b = await checkpointValues(nodePath.join(cut, last));
      expect(Object.keys(b)).toEqual(Object.keys(a));
      for (const key of Object.keys(a)) expect(b[key], key).toEqual(a[key]); // exact: same backend, same streams
      const samples = 'samples/step-000000006.npy';
      expect(Array.from((await loadNpy(nodePath.join(cut, samples))).data as Float32Array)).toEqual(Array.from((await loadNpy(nodePath.join(full, samples))).data as Float32Array));

      const page = await readRun(nodePath.dirname(cut), nodePath.basename(cut));
      if (!page.ok) throw new Error(page.reason);
      expect(page.run.summary).toMatchObject({ status: 'completed', stepsDone: 6, stepsPlanned: 6, sde: 'no', kind: kind === 'ebm-cd' ? 'points' : 'images' });
      expect(page.run.sampleSets.at(-1)).toEqual({ file: 'step-000000006.npy', step: 6, png: 'step-000000006.png' });
    });
  }

  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  it('rbm: sample --start test --steps 1 draws p(v|h) with h ~ p(h|test digit), from the restored weights', async () => {
    const run = nodePath.join(dir, `rbm-${backend}`);
    await fs.writeFile(nodePath.join(dir, 'rbm.json'), JSON.stringify({ ...TINY.rbm, persistent: false, momentum: 0, steps: 2 }));
    expect((await cli('train', '--config', nodePath.join(dir, 'rbm.json'), '--out', run, '--backend', backend)).code).toBe(0);
    const out = nodePath.join(dir, `rec-${backend}`);
    const r = await cli('sample', '--checkpoint', run, '--start', 'test', '--steps', '1', '--n', '3', '--seed', '5', '--out', `${out}.npy`, `${out}.png`, '--backend', backend);
    expect(r.code, r.stderr).toBe(0);
    // The same computation by hand: threshold-binarised test digits, one hidden draw from Rng(5), p(v|h) → [−1, 1].
    const digits = await loadMnist({ split: 'test', count: 3 });
    const { tensors } = await loadTensors(nodePath.join(run, 'checkpoints', 'step-000000002', 'weights.safetensors'));
    const rbm = new Rbm(tensors.weights as tf.Tensor2D, tensors.visibleBias as tf.Tensor1D, tensors.hiddenBias as tf.Tensor1D);
    tf.dispose(Object.values(tensors));
    const expected = tf.tidy(() => {
      const v = tf.tensor2d(Array.from(digits.images, (x) => (x > 0 ? 1 : 0)), [3, 784]);
      return Array.from(tf.sub(tf.mul(rbm.visibleProbabilities(rbm.sampleHidden(v, new Rng(5))), 2), 1).dataSync());
    });
    rbm.dispose();
    const got = Array.from((await loadNpy(`${out}.npy`)).data as Float32Array);
    expect(got).toEqual(expected);
    const start = Array.from((await loadNpy(`${out}.start.npy`)).data as Float32Array);
    expect(start).toEqual(Array.from(digits.images, (x) => (x > 0 ? 1 : -1)));
    // 3 images of 28×28 drawn at scale 2 in a 2-column grid with 2-pixel gaps
    const png = decodePng(await fs.readFile(`${out}.png`));
    expect([png.width, png.height]).toEqual([2 * 56 + 3 * 2, 2 * 56 + 3 * 2]);
  });

  it('hopfield: two stored digits are fixed points — recall from them (no corruption) returns them exactly', async () => {
    // With P = 2 distinct ±1 patterns of overlap m, the field at a unit where they differ is ξ(N − 2 − m)/N and
    // where they agree ξ(N − 2 + m)/N: both keep ξ's sign, so every stored pattern is stable.
    const run = nodePath.join(dir, `hop-${backend}`);
    await fs.writeFile(nodePath.join(dir, 'hop.json'), JSON.stringify({ ...TINY.hopfield, dataset: { name: 'mnist', count: 20 }, steps: 1 }));
    expect((await cli('train', '--config', nodePath.join(dir, 'hop.json'), '--out', run, '--backend', backend)).code).toBe(0);
    const out = nodePath.join(dir, `recall-${backend}.npy`);
    const r = await cli('sample', '--checkpoint', run, '--start', 'stored', '--corruption', '0', '--n', '2', '--steps', '5', '--out', out, '--backend', backend);
    expect(r.code, r.stderr).toBe(0);
    const recalled = Array.from((await loadNpy(out)).data as Float32Array);
    const stored = Array.from((await loadNpy(out.replace(/\.npy$/, '.start.npy'))).data as Float32Array);
    expect(new Set(stored)).toEqual(new Set([-1, 1]));
    expect(stored.slice(0, 784)).not.toEqual(stored.slice(784));
    expect(recalled).toEqual(stored);
  });

  it('ebm-cd: sample --steps 0 returns the uniform start over the box; a scatter PNG is written', async () => {
    const run = nodePath.join(dir, `ebm-${backend}`);
    await fs.writeFile(nodePath.join(dir, 'ebm.json'), JSON.stringify({ ...TINY['ebm-cd'], steps: 2 }));
    expect((await cli('train', '--config', nodePath.join(dir, 'ebm.json'), '--out', run, '--backend', backend)).code).toBe(0);
    const out = nodePath.join(dir, `ebm-${backend}`);
    expect((await cli('sample', '--checkpoint', run, '--steps', '0', '--n', '5', '--seed', '9', '--out', `${out}.npy`, `${out}.png`, '--backend', backend)).code).toBe(0);
    const start = new Rng(9).uniform([5, 2], -4, 4);
    expect(Array.from((await loadNpy(`${out}.npy`)).data as Float32Array)).toEqual(Array.from(start.dataSync()));
    start.dispose();
    const png = decodePng(await fs.readFile(`${out}.png`));
    expect([png.width, png.height]).toEqual([512, 512]);
    // score-model sampler flags are refused, naming what the energy model takes; nothing is written
    const bad = await cli('sample', '--checkpoint', run, '--sampler', 'ddim', '--out', nodePath.join(dir, 'never.png'), '--backend', backend);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sampler ddim: not for this checkpoint: an energy model 'ebm-cd', which samples with 'langevin'\. It accepts .*--steps \(Langevin steps\), --step-size/);
    await expect(fs.stat(nodePath.join(dir, 'never.png'))).rejects.toThrow();
    // likelihood needs a score model: an energy checkpoint is named as such
    const like = await cli('likelihood', '--checkpoint', run, '--data', `${out}.npy`, '--out', nodePath.join(dir, 'never.npy'), '--backend', backend);
    expect(like.code).toBe(2);
    expect(like.stderr).toMatch(/is an energy model \('ebm-cd'\), not a score model/);
  });
}, ['wasm', 'cpu']);

it.each([
  ['an RBM on 2D data', { ...TINY.rbm, dataset: 'two-moons' }, "dataset.name: 'rbm' cannot train on 'two-moons': an RBM models binary vectors: images, binarised (allowed: mnist, fashion-mnist, folder)"],
  ['ebm-cd on images', { ...TINY['ebm-cd'], dataset: 'mnist' }, "dataset.name: 'ebm-cd' cannot train on 'mnist': ebm-cd trains an MLP energy on 2D points (allowed: ncsn-mixture, two-moons, swiss-roll, checkerboard, rings)"],
  ['an unknown model', { name: 'boltzmann', dataset: 'mnist' }, "name: unknown energy model 'boltzmann' (leave name out for a score model) (allowed: rbm, hopfield, ebm-cd)"],
  ['an unknown model under the older key', { kind: 'boltzmann', dataset: 'mnist' }, "kind: unknown energy model 'boltzmann' (leave kind out for a score model) (allowed: rbm, hopfield, ebm-cd)"],
  ['name and the older kind disagreeing', { ...TINY.rbm, kind: 'hopfield' }, "name: name 'rbm' and kind 'hopfield' disagree: give only 'name' ('kind' is its deprecated spelling) (allowed: rbm, hopfield, ebm-cd)"],
  ['negative hidden units', { ...TINY.rbm, hiddenUnits: -5 }, 'hiddenUnits: must be an integer ≥ 1, got -5'],
  ['an energy network @scorekit/models refuses', { ...TINY['ebm-cd'], network: { width: 8, depth: 1, activation: 'foo' } }, "network: energy.network.activation must be one of 'silu', 'softplus', 'tanh', got 'foo'"],
])('train refuses %s with one clear error, exit 2, and writes nothing', async (_what, config, message) => {
  const dir = await tempDir();
  await fs.writeFile(nodePath.join(dir, 'bad.json'), JSON.stringify(config));
  const out = nodePath.join(dir, 'run');
  const r = await cli('train', '--config', nodePath.join(dir, 'bad.json'), '--out', out);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`Invalid training config:\n  - ${message}\n`);
  expect(r.stderr.match(/^ {2}- /gm)).toHaveLength(1);
  await expect(fs.stat(out)).rejects.toThrow();
});
