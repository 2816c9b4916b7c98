// The in-browser sampling modules (browser/*.ts, bundled for the page) run in Node on the cpu backend against the
// trainer's way of sampling a checkpoint (nodeReference.ts): the same checkpoint, sampler, options, seed and
// class must give the same numbers, and nothing may leak. The browser itself is checked in e2e.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@scorekit/core';
import { drawSamples, loadRunModel, samplerOptionSpec, scoreField, type RunConfigJson } from '../browser/index.js';
import { FIXTURE_RUNS } from './helpers.js';
import { sampleInNode, type NodeDraw } from './nodeReference.js';

// Both sides run the same JavaScript kernels (tfjs cpu) on the same float32 values in the same order: they must
// agree exactly. A different seed, step count, class or weight set changes values by order 0.1–1.
const TOLERANCE = 0;

async function browserDraw(run: string, draw: NodeDraw, useEma = true) {
  const dir = nodePath.join(FIXTURE_RUNS, run);
  const config = JSON.parse(await fs.readFile(nodePath.join(dir, 'config.json'), 'utf8')) as RunConfigJson;
  const latest = (await fs.readFile(nodePath.join(dir, 'checkpoints', 'latest'), 'utf8')).trim();
  const ckpt = nodePath.join(dir, 'checkpoints', latest);
  const manifest = JSON.parse(await fs.readFile(nodePath.join(ckpt, 'checkpoint.json'), 'utf8'));
  const read = async (file: string) => new Uint8Array(await fs.readFile(file));
  const model = await loadRunModel(manifest, config, { weights: nodePath.join(ckpt, 'weights.safetensors'), ema: nodePath.join(ckpt, 'ema.safetensors') }, read, useEma);
  const progress: [number, number][] = [];
  try {
    const { guidance: _unguided, ...plain } = draw; // guided draws: guidance.test.ts
    const drawn = await drawSamples(model, { ...plain, onProgress: (d, t) => void progress.push([d, t]) });
    return { drawn, progress, model: { images: model.images, numClasses: model.numClasses, weights: model.weights } };
  } finally {
    model.dispose();
  }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

beforeAll(async () => {
  await selectBackend({ backend: 'cpu', report: false });
});

describe('in-browser sampling modules, in Node on cpu', () => {
  it.each([
    ['euler-maruyama', { steps: 10 }],
    ['dpm-solver++', { steps: 8 }],
    ['ode', { method: 'heun', steps: 5 }],
  ] as const)('2D run, %s: the numbers scorekit sample gives', async (sampler, options) => {
    const draw: NodeDraw = { sampler, options: { ...options }, n: 64, seed: 5 };
    const before = tf.memory().numTensors;
    const { drawn, progress } = await browserDraw('mixture-400', draw);
    expect(tf.memory().numTensors).toBe(before);
    const reference = await sampleInNode(nodePath.join(FIXTURE_RUNS, 'mixture-400'), draw);
    expect(drawn.shape).toEqual([64, 2]);
    expect(maxDiff(drawn.values, reference.values)).toBeLessThanOrEqual(TOLERANCE);
    // Progress: one report per step after the first, ending at the total.
    expect(progress.at(-1)).toEqual([options.steps, options.steps]);
    // A different seed is a different draw (the comparison can fail).
    const other = await sampleInNode(nodePath.join(FIXTURE_RUNS, 'mixture-400'), { ...draw, seed: 6 });
    expect(maxDiff(drawn.values, other.values)).toBeGreaterThan(0.1);
  });

  it('an old run folder (network under kind, parameterisation) loads in the page as scorekit sample reads it', async () => {
    // mixture-100 is kept as run folders were written before `name` (see fixtures/README.md).
    const draw: NodeDraw = { sampler: 'euler-maruyama', options: { steps: 5 }, n: 16, seed: 2 };
    const { drawn, model } = await browserDraw('mixture-100', draw);
    expect(model.images).toBe(false);
    expect(drawn.shape).toEqual([16, 2]);
    const reference = await sampleInNode(nodePath.join(FIXTURE_RUNS, 'mixture-100'), draw);
    expect(maxDiff(drawn.values, reference.values)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('image run, class-conditional: a class per sample, the numbers scorekit sample gives; classes differ', async () => {
    const draw: NodeDraw = { sampler: 'euler-maruyama', options: { steps: 10 }, n: 4, seed: 2, label: 1 };
    const { drawn, model } = await browserDraw('bars-unet', draw);
    expect(model).toEqual({ images: true, numClasses: 2, weights: 'ema' });
    expect(drawn.shape).toEqual([4, 8, 8, 1]);
    const reference = await sampleInNode(nodePath.join(FIXTURE_RUNS, 'bars-unet'), draw);
    expect(maxDiff(drawn.values, reference.values)).toBeLessThanOrEqual(TOLERANCE);
    const class0 = await sampleInNode(nodePath.join(FIXTURE_RUNS, 'bars-unet'), { ...draw, label: 0 });
    expect(maxDiff(drawn.values, class0.values)).toBeGreaterThan(0.05);
    const raw = await browserDraw('bars-unet', draw, false);
    expect(raw.model.weights).toBe('raw');
    expect(maxDiff(drawn.values, raw.drawn.values)).toBeGreaterThan(0.01);
  });

  it('refuses a class on an unconditional run, and a class out of range, before sampling', async () => {
    await expect(browserDraw('mixture-400', { sampler: 'ddim', options: { steps: 2 }, n: 2, seed: 0, label: 0 })).rejects.toThrow(/not class-conditional/);
    await expect(browserDraw('bars-unet', { sampler: 'ddim', options: { steps: 2 }, n: 2, seed: 0, label: 2 })).rejects.toThrow(/class must be 'cycle' or 0…1, got 2/);
  });

  it('offers every option of the sampler spec the page builds its form from', () => {
    expect(samplerOptionSpec('pc').map((o) => o.name)).toEqual(['predictor', 'corrector', 'snr', 'correctorSteps', 'steps', 'eps', 'variance']);
  });

  it('the score field of a 2D run points back towards the data from far out', async () => {
    const dir = nodePath.join(FIXTURE_RUNS, 'mixture-400');
    const config = JSON.parse(await fs.readFile(nodePath.join(dir, 'config.json'), 'utf8')) as RunConfigJson;
    const ckpt = nodePath.join(dir, 'checkpoints', 'step-000000400');
    const manifest = JSON.parse(await fs.readFile(nodePath.join(ckpt, 'checkpoint.json'), 'utf8'));
    const model = await loadRunModel(manifest, config, { weights: nodePath.join(ckpt, 'weights.safetensors'), ema: nodePath.join(ckpt, 'ema.safetensors') }, async (f) => new Uint8Array(await fs.readFile(f)));
    // At t = 0.5 on VP, p_t is close to N(0, I) blurred mixture: from (±12, ±12) the score points inwards.
    const arrows = await scoreField(model, 0.5, [-12, 12, -12, 12], 2);
    model.dispose();
    for (const a of arrows) expect(a.x * a.dx + a.y * a.dy, `at (${a.x}, ${a.y})`).toBeLessThan(0);
  });
});
