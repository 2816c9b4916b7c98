import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { loadTensors } from '@scorekit/core/node';
import { sampleToyDataset } from '@scorekit/data';
import { createObjective } from '@scorekit/objectives';
import type { Objective } from '@scorekit/objectives';
import { describeOnBackends, expectClose } from '@scorekit/test-utils';
import { buildModel } from '../src/buildModel.js';
import { decodePng } from '../src/png.js';
import { trainModel } from '../src/trainModel.js';
import { readMetrics, tempDir, tinyConfig } from './helpers.js';

describeOnBackends('trainModel', () => {
  it("logs the objective's loss and the global gradient norm of the first step, with the warmed-up lr", async () => {
    const config = tinyConfig({ steps: 3 });
    const dir = await tempDir();
    await trainModel(config, { runDir: dir });
    const metrics = await readMetrics(dir);
    // The first step's loss and gradient norm, recomputed independently from the same seeds (weights from seed,
    // data from seed + 1, objective noise from seed + 2): same ops in the same order, so float32-identical up to
    // summation order; 1e-5 relative is far below the step-to-step change (loss moves by > 1% per step here).
    const { model, network } = buildModel(config);
    const objective = createObjective(config.objective as never) as Objective;
    const { loss, norm } = tf.tidy(() => {
      const x = sampleToyDataset('two-moons', config.batchSize, new Rng(config.seed + 1));
      const rng = new Rng(config.seed + 2);
      const { value, grads } = tf.variableGrads(() => (objective.loss as (m: unknown, b: unknown, r: Rng) => tf.Scalar)(model, { x }, rng), network.trainableVariables());
      const n = Math.sqrt(Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0]!, 0));
      return { loss: value.dataSync()[0]!, norm: n };
    });
    network.dispose();
    expectClose(metrics[0]!.loss, loss, 0, 1e-5, 'step-1 loss');
    expectClose(metrics[0]!.gradNorm, norm, 0, 1e-5, 'step-1 gradient norm');
    // linear warm-up (score_sde optimization_manager, counted from 1): lr·min(step/warmup, 1)
    expect(metrics.map((m) => m.lr)).toEqual([1, 2, 3].map((s) => config.lr * Math.min(s / config.warmup, 1)));
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3]);
  });

  it('takes a first Adam step of size lr₁ in every weight (Adam normalises the first step to ±lr)', async () => {
    const config = tinyConfig({ steps: 1, warmup: 10 });
    const dir = await tempDir();
    const summary = await trainModel(config, { runDir: dir });
    const { network } = buildModel(config);
    const { tensors } = await loadTensors(nodePath.join(summary.lastCheckpoint!, 'weights.safetensors'));
    const lr1 = config.lr / config.warmup;
    let within = 0;
    let total = 0;
    let maxStep = 0;
    for (const v of network.variables.filter((w) => w.trainable)) {
      const before = v.variable.dataSync();
      const after = tensors[v.name]!.dataSync();
      for (let i = 0; i < before.length; i++) {
        const d = Math.abs(after[i]! - before[i]!);
        maxStep = Math.max(maxStep, d);
        // Adam step 1: lr·ĝ/(|ĝ| + 1e-8) = ±lr for |g| ≫ 1e-8; float32 weights of size ~0.5 resolve 1e-3 to ~1e-4 rel.
        if (Math.abs(d - lr1) <= 1e-3 * lr1) within++;
        total++;
      }
    }
    tf.dispose(Object.values(tensors));
    network.dispose();
    expect(maxStep).toBeLessThanOrEqual(lr1 * (1 + 1e-3));
    // weights whose gradient is exactly 0 (none expected in a dense MLP) would not move; allow 1%.
    expect(within / total).toBeGreaterThan(0.99);
  });

  it('keeps the number of live tensors flat over a few dozen steps', async () => {
    const counts: number[] = [];
    const dir = await tempDir();
    await trainModel(tinyConfig({ steps: 30, logEvery: 5 }), { runDir: dir, onStep: () => counts.push(tf.memory().numTensors) });
    // Adam creates its moment slots on the first step; from step 2 on nothing may accumulate.
    expect(new Set(counts.slice(1)).size, `live tensors per step: ${counts.join(',')}`).toBe(1);
  });

  it('resumes after an interruption with exactly the losses of an uninterrupted run', async () => {
    const config = tinyConfig({ steps: 8 });
    const full = await tempDir();
    await trainModel(config, { runDir: full });
    const cut = await tempDir();
    const controller = new AbortController();
    const first = await trainModel(config, { runDir: cut, signal: controller.signal, onStep: (s) => s === 3 && controller.abort() });
    expect(first.status).toBe('interrupted');
    expect(first.step).toBe(3);
    expect(first.lastCheckpoint).toMatch(/step-000000003$/);
    // summary.json names it relative to the run folder, so the folder can move or be served
    const written = JSON.parse(await fs.readFile(nodePath.join(cut, 'summary.json'), 'utf8')) as { lastCheckpoint: string };
    expect(written.lastCheckpoint).toBe(nodePath.join('checkpoints', 'step-000000003'));
    expect(nodePath.resolve(cut, written.lastCheckpoint)).toBe(nodePath.resolve(first.lastCheckpoint!));
    const second = await trainModel(config, { runDir: cut, resume: true });
    expect(second).toMatchObject({ status: 'completed', step: 8, startStep: 3 });
    const a = (await readMetrics(full)).map((m) => [m.step, m.loss, m.gradNorm]);
    const b = (await readMetrics(cut)).map((m) => [m.step, m.loss, m.gradNorm]);
    expect(b).toEqual(a); // bit-for-bit: same backend, same RNG streams, Adam state restored exactly
  });

  it('extends a finished run with --steps on resume, matching a longer run', async () => {
    const long = await tempDir();
    await trainModel(tinyConfig({ steps: 6 }), { runDir: long });
    const short = await tempDir();
    await trainModel(tinyConfig({ steps: 4 }), { runDir: short });
    await trainModel(tinyConfig({ steps: 6 }), { runDir: short, resume: true });
    expect((await readMetrics(short)).map((m) => m.loss)).toEqual((await readMetrics(long)).map((m) => m.loss));
  });

  it('refuses to train over an existing run without resume', async () => {
    const dir = await tempDir();
    await trainModel(tinyConfig({ steps: 1 }), { runDir: dir });
    await expect(trainModel(tinyConfig({ steps: 1 }), { runDir: dir })).rejects.toThrow(/already holds a training run.*--resume/);
  });
});

describeOnBackends(
  'trainModel run folder',
  () => {
    it('writes config, metrics, checkpoints with a latest pointer, samples (.npy + scatter PNG), trajectories and a summary', async () => {
      const dir = await tempDir();
      const config = tinyConfig({ steps: 4, sampleEvery: 2, checkpointEvery: 2, trajectoryEvery: 2, logEvery: 2 });
      const summary = await trainModel(config, { runDir: dir });
      const files = (await fs.readdir(dir, { recursive: true })).map(String).sort();
      expect(files).toEqual(
        expect.arrayContaining([
          'config.json', 'metrics.jsonl', 'summary.json', 'checkpoints/latest', 'checkpoints/step-000000002/checkpoint.json',
          'checkpoints/step-000000004/weights.safetensors', 'samples/step-000000002.npy', 'samples/step-000000002.png',
          'samples/step-000000004.npy', 'samples/step-000000004.png', 'trajectories/index.json', 'trajectories/step-000000004.npy',
        ]),
      );
      expect(JSON.parse(await fs.readFile(nodePath.join(dir, 'config.json'), 'utf8'))).toEqual(config);
      expect((await fs.readFile(nodePath.join(dir, 'checkpoints/latest'), 'utf8')).trim()).toBe('step-000000004');
      expect(summary).toMatchObject({ status: 'completed', step: 4, steps: 4 });
      const png = decodePng(await fs.readFile(nodePath.join(dir, 'samples/step-000000004.png')));
      expect([png.width, png.height]).toEqual([512, 512]);
      const index = JSON.parse(await fs.readFile(nodePath.join(dir, 'trajectories/index.json'), 'utf8')) as { step: number; shape: number[]; steps: number[] }[];
      // dpm-solver++ with 4 steps recorded every 2: states after steps 0, 2, 4
      expect(index.map((e) => [e.step, e.shape, e.steps])).toEqual([
        [2, [3, 16, 2], [0, 2, 4]],
        [4, [3, 16, 2], [0, 2, 4]],
      ]);
    });
  },
  ['cpu'],
);
