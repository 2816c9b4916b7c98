import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../src/config.js';
import { trainModel } from '../src/trainModel.js';
import { readMetrics, tempDir, tinyConfig } from './helpers.js';

// A conditional MLP on ncsn-mixture's two labelled modes, 3 steps.
const conditional = (labelDropout?: number) =>
  tinyConfig({ dataset: { name: 'ncsn-mixture' }, network: { name: 'mlp', dim: 2, width: 16, depth: 2, embeddingDim: 8, numClasses: 2 }, conditional: true, steps: 3, ...(labelDropout !== undefined ? { labelDropout } : {}) });

describe('labelDropout (conditional training for classifier-free guidance)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is checked: a probability, and only for conditional models', () => {
    const bad = parseTrainConfig({ ...conditional(), labelDropout: 1.5 });
    const unconditional = parseTrainConfig({ ...conditional(), conditional: false, labelDropout: 0.1 });
    expect(E.isLeft(bad) && bad.left.map((p) => `${p.field}: ${p.message}`)).toContain('labelDropout: must be a probability in [0, 1], got 1.5');
    expect(E.isLeft(unconditional) && unconditional.left.map((p) => p.field)).toContain('labelDropout');
    expect(E.isRight(parseTrainConfig(conditional(0.1)))).toBe(true);
  });

  it('replaces labels by the null class: the same seed gives other losses with it, the same without it', async () => {
    const loss = async (labelDropout?: number) => {
      const dir = await tempDir();
      await trainModel(conditional(labelDropout), { runDir: dir });
      return (await readMetrics(dir)).map((m) => m.loss);
    };
    const none = await loss();
    // p = 0 draws nothing and changes nothing (bit for bit); p = 1 feeds every sample the null label's embedding.
    expect(await loss(0)).toEqual(none);
    const all = await loss(1);
    expect(all[0]).not.toBe(none[0]);
  });
});
