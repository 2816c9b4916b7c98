import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNpy } from '@scorekit/core/node';
import { UNET_PRESETS } from '@scorekit/models';
import { cli } from './cliHarness.js';
import { tempDir } from './helpers.js';
import { networkSize } from '../src/memoryBudget.js';
import { SAMPLE_BATCH_BYTES, batchRanges, batchSeed, defaultSampleBatch } from '../src/sampleBatches.js';

const MIXTURE = { weights: [0.5, 0.5], means: [[-3, 0], [3, 0]], stds: [0.5, 0.5] };

describe('scorekit sample in batches', () => {
  let dir: string;
  let mixtureFile: string;
  beforeAll(async () => {
    dir = await tempDir();
    mixtureFile = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixtureFile, JSON.stringify(MIXTURE));
  });

  const draw = async (name: string, ...flags: string[]) => {
    const out = nodePath.join(dir, `${name}.npy`);
    const r = await cli('sample', '--score', `analytic:${mixtureFile}`, '--sampler', 'ddim', '--steps', '4', '--out', out, '--backend', 'cpu', ...flags);
    expect(r.code, r.stderr).toBe(0);
    return { json: JSON.parse(r.stdout) as Record<string, unknown>, values: (await loadNpy(out)).data as Float32Array };
  };

  it('batch k is the draw of batchSeed(seed, k): 5 samples in batches of 2 are runs of 2, 2 and 1 with those seeds', async () => {
    const batched = await draw('batched', '--n', '5', '--batch-size', '2', '--seed', '7');
    expect(batched.json).toMatchObject({ n: 5, batches: 3, batchSize: 2, nfe: 4 });
    const parts = [
      await draw('b0', '--n', '2', '--seed', String(batchSeed(7, 0))),
      await draw('b1', '--n', '2', '--seed', String(batchSeed(7, 1))),
      await draw('b2', '--n', '1', '--seed', String(batchSeed(7, 2))),
    ];
    // The same sampler on the same seed and batch shape: bit-identical.
    expect(Array.from(batched.values)).toEqual(parts.flatMap((p) => Array.from(p.values)));
    // The first batch keeps the run's own seed, so n within one batch draws what it always drew.
    expect(batchSeed(7, 0)).toBe(7);
    // Distinct batches get distinct noise: their samples differ.
    expect(Array.from(parts[0]!.values)).not.toEqual(Array.from(parts[1]!.values));
  });

  it('one batch (the default for a mixture) is the plain run: no batch fields in the result', async () => {
    const whole = await draw('whole', '--n', '5', '--seed', '7');
    const explicit = await draw('explicit', '--n', '5', '--seed', '7', '--batch-size', '5');
    expect(whole.json.batches).toBeUndefined();
    expect(Array.from(whole.values)).toEqual(Array.from(explicit.values));
  });

  it('refuses a bad --batch-size, and --trajectory across several batches, before sampling', async () => {
    for (const bad of ['0', '-2', '1.5', 'many']) {
      const r = await cli('sample', '--score', `analytic:${mixtureFile}`, '--n', '4', '--batch-size', bad, '--out', nodePath.join(dir, 'x.npy'));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`  - --batch-size: must be an integer ≥ 1, got '${bad}'`);
    }
    const t = await cli('sample', '--score', `analytic:${mixtureFile}`, '--n', '4', '--batch-size', '2', '--trajectory', 'every=1', '--out', nodePath.join(dir, 't.npy'), '--backend', 'cpu');
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--trajectory records one batch: these 4 samples are drawn in 2 batches of 2/);
    await expect(fs.stat(nodePath.join(dir, 't.npy'))).rejects.toThrow();
  });
});

describe('defaultSampleBatch', () => {
  it('keeps n whole when its activations fit in the fixed budget, else the largest power of two that does', () => {
    // The full-width MNIST U-Net: its estimate times the batch stays within the budget, twice the batch would not.
    const perSample = 4 * networkSize(UNET_PRESETS.mnist).activationsPerSample;
    const batch = defaultSampleBatch(1000, perSample);
    expect(batch * perSample).toBeLessThanOrEqual(SAMPLE_BATCH_BYTES);
    expect(2 * batch * perSample).toBeGreaterThan(SAMPLE_BATCH_BYTES);
    expect(Math.log2(batch) % 1).toBe(0);
    expect(defaultSampleBatch(batch, perSample)).toBe(batch);
    expect(defaultSampleBatch(Math.floor(batch / 2) + 1, perSample)).toBe(Math.floor(batch / 2) + 1);
    // Networks with no estimate (analytic mixtures) and tiny ones: all at once.
    expect(defaultSampleBatch(100_000, 0)).toBe(100_000);
    expect(defaultSampleBatch(3, SAMPLE_BATCH_BYTES)).toBe(1);
  });

  it('batchRanges covers 0 … n − 1 once, in order', () => {
    expect(batchRanges(5, 2)).toEqual([[0, 2], [2, 4], [4, 5]]);
    expect(batchRanges(4, 4)).toEqual([[0, 4]]);
  });
});
