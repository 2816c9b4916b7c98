import { promises as fs } from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { VpSde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createNetwork,
  createScoreModel,
  ExponentialMovingAverage,
  type Network,
  type NetworkConfig,
} from '../src/index.js';
import { CheckpointError, listCheckpoints, readCheckpoint, restoreCheckpoint, saveCheckpoint } from '../src/node.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'scorekit-ckpt-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Everything a training run holds. */
interface Run {
  network: Network;
  ema: ExponentialMovingAverage;
  optimizer: tf.Optimizer;
  data: Rng;
  noise: Rng;
}

function freshRun(config: NetworkConfig, seed: number): Run {
  const network = createNetwork(config, { rng: new Rng(seed) });
  return {
    network,
    ema: new ExponentialMovingAverage(network.variables, { decay: 0.99 }),
    optimizer: tf.train.adam(1e-2),
    data: new Rng(seed + 1),
    noise: new Rng(seed + 2),
  };
}

/** One step of ε-prediction denoising training (the objectives package is not a dependency of this one). */
function trainStep(run: Run, shape: number[]): number {
  const model = createScoreModel(run.network, new VpSde(), { name: 'eps' });
  const n = shape[0];
  const cost = tf.tidy(() => {
    const x0 = run.data.normal(shape);
    const z = run.noise.normal(shape);
    const t = run.noise.uniform([n], 1e-3, 1);
    const { mean, std } = model.sde.marginal(x0, t);
    const xt = tf.add(mean, tf.mul(tf.reshape(std, [n, ...shape.slice(1).map(() => 1)]), z));
    return run.optimizer.minimize(
      () => tf.mean(tf.square(tf.sub(model.predict(xt, t, { training: true, rng: run.noise }).raw, model.target(x0, z, t)))) as tf.Scalar,
      true,
      run.network.trainableVariables(),
    ) as tf.Scalar;
  });
  run.ema.update();
  const value = cost.dataSync()[0];
  cost.dispose();
  return value;
}

function dispose(run: Run): void {
  run.network.dispose();
  run.ema.dispose();
  run.optimizer.dispose();
}

const MLP: NetworkConfig = { name: 'mlp', dim: 2, width: 16, depth: 2, embeddingDim: 8 };
const UNET: NetworkConfig = { name: 'unet', imageSize: 4, channels: 1, nf: 8, chMult: [1, 1], dropout: 0.3 };

describeOnBackends('checkpoints', (backend) => {
  const cases: { name: string; config: NetworkConfig; shape: number[]; steps: number }[] = [
    { name: 'mlp', config: MLP, shape: [16, 2], steps: 8 },
    // U-Net with dropout: the dropout masks come from the checkpointed rng too.
    { name: 'unet with dropout', config: UNET, shape: [4, 4, 4, 1], steps: 4 },
  ];
  for (const c of cases) {
    it(`${c.name}: resuming from a checkpoint gives exactly the losses of an uninterrupted run`, async () => {
      const straight = freshRun(c.config, 10);
      const lossesStraight = Array.from({ length: c.steps }, () => trainStep(straight, c.shape));

      const first = freshRun(c.config, 10);
      const half = c.steps / 2;
      const lossesResumed = Array.from({ length: half }, () => trainStep(first, c.shape));
      const root = nodePath.join(dir, `${backend}-${c.name}`);
      await saveCheckpoint(root, {
        step: half,
        network: first.network,
        ema: first.ema,
        optimizer: first.optimizer,
        rngs: { data: first.data, noise: first.noise },
        config: { note: 'test run' },
      });
      dispose(first);
      if (c.name === 'mlp') {
        // As a checkpoint saved before `name` holds it: its network keyed by `kind`, which must resume the same.
        const file = nodePath.join((await readCheckpoint(root)).path, 'checkpoint.json');
        const manifest = JSON.parse(await fs.readFile(file, 'utf8')) as { network: Record<string, unknown> };
        const { name, ...rest } = manifest.network;
        manifest.network = { kind: name, ...rest };
        await fs.writeFile(file, JSON.stringify(manifest));
      }

      // Fresh objects, built from what the checkpoint says (different init seed: everything must come from disk).
      const info = await readCheckpoint(root);
      expect(info.networkConfig).toMatchObject({ name: c.config.name });
      expect(info.networkConfig).not.toHaveProperty('kind');
      const network = createNetwork(info.networkConfig as NetworkConfig, { rng: new Rng(999) });
      const resumed: Run = {
        network,
        ema: new ExponentialMovingAverage(network.variables, { decay: 0.99 }),
        optimizer: tf.train.adam(1e-2),
        data: new Rng(0),
        noise: new Rng(0),
      };
      const restored = await restoreCheckpoint(root, resumed);
      expect(restored.step).toBe(half);
      expect(restored.config).toEqual({ note: 'test run' });
      ({ data: resumed.data, noise: resumed.noise } = restored.rngs());
      for (let i = 0; i < half; i++) lossesResumed.push(trainStep(resumed, c.shape));

      // Bit-for-bit on the same backend: same float32 operations in the same order.
      expect(lossesResumed).toEqual(lossesStraight);
      resumed.network.variables.forEach((v, i) => expectAllClose(v.variable, straight.network.variables[i].variable, 0));
      resumed.ema.shadowWeights().forEach((w, i) => expectAllClose(w.tensor, straight.ema.shadowWeights()[i].tensor, 0));
      expect(resumed.ema.numUpdates).toBe(c.steps);
      dispose(straight);
      dispose(resumed);
    });
  }

  it('an energy network saved before name (kind at both levels) restores into the network its config rebuilds', async () => {
    const saved = createNetwork({ name: 'energy', network: { name: 'mlp', dim: 2, outputDim: 1, width: 8, depth: 1 } }, { rng: new Rng(4) });
    const root = nodePath.join(dir, `${backend}-old-energy`);
    await saveCheckpoint(root, { step: 1, network: saved });
    const file = nodePath.join((await readCheckpoint(root)).path, 'checkpoint.json');
    const manifest = JSON.parse(await fs.readFile(file, 'utf8')) as { network: { name: string; network: { name: string } } };
    const { name, network: { name: innerName, ...inner }, ...rest } = manifest.network;
    await fs.writeFile(file, JSON.stringify({ ...manifest, network: { kind: name, network: { kind: innerName, ...inner }, ...rest } }));
    const info = await readCheckpoint(root);
    expect(info.networkConfig).toEqual(saved.config);
    const restored = createNetwork(info.networkConfig as NetworkConfig, { rng: new Rng(99) });
    await restoreCheckpoint(root, { network: restored });
    restored.variables.forEach((v, i) => expectAllClose(v.variable, saved.variables[i]!.variable, 0));
    saved.dispose();
    restored.dispose();
  });

  it('round trip: weights, EMA, optimizer slots and iteration count, RNG states, step, configs, extra', async () => {
    const run = freshRun(MLP, 3);
    for (let i = 0; i < 3; i++) trainStep(run, [8, 2]);
    const root = nodePath.join(dir, `${backend}-roundtrip`);
    const path = await saveCheckpoint(root, {
      step: 3,
      network: run.network,
      ema: run.ema,
      optimizer: run.optimizer,
      rngs: { data: run.data },
      extra: { lastLoss: 0.25 },
    });
    expect(nodePath.basename(path)).toBe('step-000000003');
    expect((await fs.readFile(nodePath.join(root, 'latest'), 'utf8')).trim()).toBe('step-000000003');
    expect((await fs.readdir(path)).sort()).toEqual(['checkpoint.json', 'ema.safetensors', 'optimizer.safetensors', 'weights.safetensors']);

    const other = freshRun(MLP, 77);
    const info = await restoreCheckpoint(root, other);
    expect(info.networkConfig).toEqual(run.network.config);
    expect(info.extra).toEqual({ lastLoss: 0.25 });
    expect(info.hasOptimizer).toBe(true);
    other.network.variables.forEach((v, i) => expectAllClose(v.variable, run.network.variables[i].variable, 0));
    other.ema.shadowWeights().forEach((w, i) => expectAllClose(w.tensor, run.ema.shadowWeights()[i].tensor, 0));
    expect(other.ema.numUpdates).toBe(3);
    const [a, b] = [await run.optimizer.getWeights(), await other.optimizer.getWeights()];
    expect(b.length).toBe(a.length);
    a.forEach((w, i) => expectAllClose(b[i].tensor, w.tensor, 0)); // includes 'iter' = 3
    expect(b[0].tensor.dataSync()[0]).toBe(3);
    const rng = info.rngs().data;
    expect([rng.nextUint32(), rng.nextUint32()]).toEqual([run.data.nextUint32(), run.data.nextUint32()]);
    tf.dispose([a[0].tensor, b[0].tensor]);
    dispose(run);
    dispose(other);
  });

  it('keeps `latest` and older checkpoints consistent; `keep` prunes; a step can be re-saved', async () => {
    const root = nodePath.join(dir, `${backend}-history`);
    const net = createNetwork(MLP);
    for (const step of [1, 2, 3]) await saveCheckpoint(root, { step, network: net });
    // Leftovers of an interrupted save are ignored.
    await fs.mkdir(nodePath.join(root, '.tmp-step-000000004-1-x'));
    expect((await listCheckpoints(root)).map((c) => c.step)).toEqual([1, 2, 3]);
    expect((await readCheckpoint(root)).step).toBe(3);
    expect((await readCheckpoint(root, { step: 1 })).step).toBe(1);
    net.variables[0].variable.assign(tf.onesLike(net.variables[0].variable));
    await saveCheckpoint(root, { step: 3, network: net }, { keep: 2 });
    expect((await listCheckpoints(root)).map((c) => c.step)).toEqual([2, 3]);
    const other = createNetwork(MLP, { rng: new Rng(5) });
    await restoreCheckpoint(root, { network: other });
    expectAllClose(other.variables[0].variable, tf.onesLike(net.variables[0].variable), 0);
    net.dispose();
    other.dispose();
  });

  it('missing, foreign and mismatched checkpoints give errors that name the file and the fix', async () => {
    const empty = nodePath.join(dir, `${backend}-empty`);
    await fs.mkdir(empty, { recursive: true });
    await expect(readCheckpoint(empty)).rejects.toThrow(CheckpointError);
    await expect(readCheckpoint(empty)).rejects.toThrow(/latest: no such file — there is no checkpoint here yet/);

    const root = nodePath.join(dir, `${backend}-mismatch`);
    const net = createNetwork(MLP);
    await saveCheckpoint(root, { step: 0, network: net });
    const wider = createNetwork({ ...MLP, width: 32 } as NetworkConfig);
    await expect(restoreCheckpoint(root, { network: wider })).rejects.toThrow(/saved from a different network/);
    await expect(restoreCheckpoint(root, { network: net, optimizer: tf.train.adam() })).rejects.toThrow(/holds no optimizer state/);
    await expect(restoreCheckpoint(root, { network: net, ema: new ExponentialMovingAverage(net.variables) })).rejects.toThrow(
      /holds no EMA weights/,
    );

    const ckpt = nodePath.join(root, 'step-000000000');
    await fs.writeFile(nodePath.join(ckpt, 'weights.safetensors'), 'garbage');
    await expect(restoreCheckpoint(root, { network: net })).rejects.toThrow(/weights\.safetensors/);
    await fs.writeFile(nodePath.join(ckpt, 'checkpoint.json'), '{"format": "other"}');
    await expect(readCheckpoint(root)).rejects.toThrow(/checkpoint\.json: format must be 'scorekit-checkpoint'/);
    net.dispose();
    wider.dispose();
  });

  it('training steps with EMA and checkpointing keep the live tensor count flat', async () => {
    const run = freshRun(MLP, 1);
    const root = nodePath.join(dir, `${backend}-memory`);
    let step = 0;
    await expectNoTensorLeak(async () => {
      for (let i = 0; i < 3; i++) trainStep(run, [8, 2]);
      step += 3;
      await saveCheckpoint(root, { step, network: run.network, ema: run.ema, optimizer: run.optimizer }, { keep: 1 });
    });
    dispose(run);
  });
});
