import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { withCurrentKeys } from '../src/savedConfig.js';
import { openScoreSource } from '../src/scoreSource.js';
import { trainModel } from '../src/trainModel.js';
import { readMetrics, tempDir, tinyConfig } from './helpers.js';

// A run folder as scorekit wrote it before variants were named by `name`: the network under `kind` (in config.json,
// in each checkpoint's config and in its network), the score model's parameterisation under `parameterisation`.
async function rewriteToOldKeys(run: string): Promise<void> {
  const old = (config: Record<string, unknown>) => {
    const { name: net, ...network } = config.network as Record<string, unknown>;
    const { name: param, ...scoreModel } = config.scoreModel as Record<string, unknown>;
    return { ...config, network: { kind: net, ...network }, scoreModel: { parameterisation: param, ...scoreModel } };
  };
  const configFile = nodePath.join(run, 'config.json');
  await fs.writeFile(configFile, JSON.stringify(old(JSON.parse(await fs.readFile(configFile, 'utf8')) as Record<string, unknown>), null, 2));
  for (const step of (await fs.readdir(nodePath.join(run, 'checkpoints'))).filter((f) => f.startsWith('step-'))) {
    const file = nodePath.join(run, 'checkpoints', step, 'checkpoint.json');
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as { config: Record<string, unknown>; network: Record<string, unknown> };
    const { name, ...network } = m.network;
    await fs.writeFile(file, JSON.stringify({ ...m, config: old(m.config), network: { kind: name, ...network } }));
  }
}

describe('run folders written before `name` (kind, parameterisation) still load', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('withCurrentKeys moves the older keys to name, and leaves disagreeing ones for validation to report', () => {
    expect(withCurrentKeys({ network: { kind: 'mlp', dim: 2 }, scoreModel: { parameterisation: 'eps' }, steps: 3 })).toEqual({
      network: { name: 'mlp', dim: 2 },
      scoreModel: { name: 'eps' },
      steps: 3,
    });
    expect(withCurrentKeys({ kind: 'rbm', hiddenUnits: 5 })).toEqual({ name: 'rbm', hiddenUnits: 5 });
    expect(withCurrentKeys({ network: { kind: 'energy', network: { kind: 'mlp', dim: 2 } } })).toEqual({ network: { name: 'energy', network: { name: 'mlp', dim: 2 } } });
    const both = { network: { name: 'mlp', kind: 'unet' } };
    expect(withCurrentKeys(both)).toEqual(both);
    expect(withCurrentKeys(null)).toBeNull();
  });

  it('an old run samples from its checkpoint and resumes to exactly the losses of an uninterrupted run', async () => {
    const config = tinyConfig({ steps: 4, checkpointEvery: 1, scoreModel: { name: 'eps' } });
    const straight = await tempDir();
    await trainModel(config, { runDir: straight });
    const run = await tempDir();
    await trainModel({ ...config, steps: 2 }, { runDir: run });
    await rewriteToOldKeys(run);
    expect(JSON.parse(await fs.readFile(nodePath.join(run, 'config.json'), 'utf8'))).toMatchObject({ network: { kind: 'mlp' }, scoreModel: { parameterisation: 'eps' } });

    // `sample` and `likelihood` open it: an MLP over 2D points, its score model an ε-model.
    const source = await openScoreSource({ checkpoint: run });
    expect(source.pointShape).toEqual([2]);
    expect(source.images).toBe(false);
    expect((source.denoiser as { config?: unknown } | undefined)?.config).toMatchObject({ name: 'eps' });
    source.dispose();

    // --resume: the old config.json and checkpoints match each other under the current keys, and training goes on
    // bit-identically (cpu backend, same float32 operations in the same order).
    const summary = await trainModel({ ...config, steps: 4 }, { runDir: run, resume: true });
    expect(summary).toMatchObject({ status: 'completed', startStep: 2, step: 4 });
    expect((await readMetrics(run)).map((l) => l.loss)).toEqual((await readMetrics(straight)).map((l) => l.loss));
    // New checkpoints are written under the current keys, and the run resumes again (old config.json, new checkpoint).
    const latest = (await fs.readFile(nodePath.join(run, 'checkpoints', 'latest'), 'utf8')).trim();
    const manifest = JSON.parse(await fs.readFile(nodePath.join(run, 'checkpoints', latest, 'checkpoint.json'), 'utf8')) as { network: object; config: { network: object; scoreModel: object } };
    expect(manifest.network).toMatchObject({ name: 'mlp' });
    expect(manifest.config.network).not.toHaveProperty('kind');
    expect(manifest.config.scoreModel).toEqual({ name: 'eps' });
    expect(await trainModel({ ...config, steps: 5 }, { runDir: run, resume: true })).toMatchObject({ status: 'completed', startStep: 4, step: 5 });
  });
});
