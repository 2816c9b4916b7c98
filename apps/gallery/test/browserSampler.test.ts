import * as tf from '@tensorflow/tfjs';
import nodePath from 'node:path';
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTensors } from '@scorekit/core';
import { createNetwork, createScoreModel, type Network } from '@scorekit/models';
import { createSde } from '@scorekit/sde';
// The page's own module, run here on Node's tfjs: the same file the browser loads.
import { createMlpScoreModel, createSde as browserSde, readSafetensors, sampleInBrowser } from '../public/browserSampler.js';
import { FIXTURE_RUNS } from './helpers.js';

const CHECKPOINT = nodePath.join(FIXTURE_RUNS, 'mixture-400', 'checkpoints', 'step-000000400');

describe('browser sampler', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  describe('against @scorekit/models on the fixture checkpoint', () => {
    let reference: Network;
    let browserWeights: Record<string, tf.Tensor>;
    let manifest: { config: { sde: unknown; scoreModel?: unknown }; network: { kind: string } };
    beforeAll(async () => {
      manifest = JSON.parse(await fs.readFile(nodePath.join(CHECKPOINT, 'checkpoint.json'), 'utf8'));
      reference = createNetwork(manifest.network as never);
      const { tensors } = await loadTensors(nodePath.join(CHECKPOINT, 'ema.safetensors'));
      for (const v of reference.variables) v.variable.assign(tensors[v.name]);
      tf.dispose(Object.values(tensors));
      browserWeights = readSafetensors(tf, await fs.readFile(nodePath.join(CHECKPOINT, 'ema.safetensors'))).tensors;
    });
    afterAll(() => {
      reference.dispose();
      tf.dispose(Object.values(browserWeights));
    });

    it('reads every tensor of the safetensors file exactly', async () => {
      const { tensors } = await loadTensors(nodePath.join(CHECKPOINT, 'ema.safetensors'));
      expect(Object.keys(browserWeights).sort()).toEqual(Object.keys(tensors).sort());
      for (const [name, t] of Object.entries(tensors)) expect(Array.from(browserWeights[name].dataSync()), name).toEqual(Array.from(t.dataSync()));
      tf.dispose(Object.values(tensors));
    });

    it.each([0.001, 0.05, 0.3, 0.9])('gives the score and ε̂ of createScoreModel at t = %f', (t) => {
      const sde = createSde(manifest.config.sde as never);
      const model = createScoreModel(reference, sde, (manifest.config.scoreModel ?? {}) as never);
      const mine = createMlpScoreModel(tf, { network: manifest.network, sde: manifest.config.sde, scoreModel: manifest.config.scoreModel }, browserWeights);
      const before = tf.memory().numTensors;
      const x = tf.tensor2d([-6, -5, -1, 0.5, 0, 0, 3, -2, 5, 5, 7, 4, -9, 9, 0.1, -0.2], [8, 2]);
      const tt = tf.fill([8], t);
      const expected = [model.score(x, tt), model.eps(x, tt)];
      const actual = [mine.score(x, t), mine.eps(x, t)];
      // Same float32 maths in a different op order (fused matMul with bias, silu as x·sigmoid): differences are
      // rounding, a few ulps of values of order 1–100 — relative 1e-5 of the largest entry.
      for (let k = 0; k < 2; k++) {
        const e = expected[k].dataSync();
        const a = actual[k].dataSync();
        const scale = Math.max(...Array.from(e, Math.abs));
        for (let i = 0; i < e.length; i++) expect(Math.abs(a[i] - e[i]), `entry ${i}`).toBeLessThanOrEqual(1e-5 * scale);
      }
      tf.dispose([x, tt, ...expected, ...actual]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('names what it cannot run', () => {
      expect(() => createMlpScoreModel(tf, { network: { kind: 'unet' }, sde: 'vp' }, {})).toThrow("MLP checkpoints only (2D runs), not 'unet'");
      expect(() => createMlpScoreModel(tf, { network: { kind: 'mlp', dim: 2, depth: 5 }, sde: 'vp' }, browserWeights)).toThrow("no tensor 'hidden2/kernel'");
      expect(() => browserSde({ name: 'edm' })).toThrow('supports the vp, subvp and ve SDEs');
    });
  });

  describe('samplers with the exact score of a Gaussian', () => {
    // Data N(μ, s²I): under the SDE x_t ~ N(α μ, (α²s² + σ²) I), so the score −(x − αμ)/(α²s² + σ²) is exact and
    // the samples must come out N(μ, s²I) up to discretisation and sampling error.
    const mu = [1, -2];
    const s = 0.5;
    const exactModel = (sdeName: string) => {
      const sde = browserSde(sdeName);
      const score = (x: tf.Tensor, t: number) =>
        tf.tidy(() => {
          const a = sde.alpha(t);
          const v = a * a * s * s + sde.sigma(t) ** 2;
          return tf.div(tf.sub(x, tf.mul(tf.tensor1d(mu), a)), -v);
        });
      return { sde, dim: 2, score, eps: (x: tf.Tensor, t: number) => tf.tidy(() => tf.mul(score(x, t), -sde.sigma(t))) };
    };
    const moments = (x: tf.Tensor) => {
      const v = Array.from(x.dataSync());
      const n = v.length / 2;
      const m = [0, 1].map((d) => v.filter((_, i) => i % 2 === d).reduce((p, q) => p + q, 0) / n);
      const sd = [0, 1].map((d) => Math.sqrt(v.filter((_, i) => i % 2 === d).reduce((p, q) => p + (q - m[d]) ** 2, 0) / (n - 1)));
      return { m, sd };
    };

    // n = 4000: the mean's standard error is s/√n = 0.008 and the std's s/√(2n) = 0.0056. Tolerances: 5 standard
    // errors plus 1% of s for the discretisation of 200 (EM) or 100 (DDIM) steps, measured well below that.
    it.each([
      ['vp', 'euler-maruyama', 200],
      ['vp', 'ddim', 100],
      ['ve', 'euler-maruyama', 200],
      ['subvp', 'ddim', 100],
    ])('%s / %s (%i steps) draws N(μ, s²I)', async (sdeName, sampler, steps) => {
      const model = exactModel(sdeName);
      const before = tf.memory().numTensors;
      const x = await sampleInBrowser(tf, model, { sampler, steps, n: 4000, seed: 3 });
      const { m, sd } = moments(x);
      x.dispose();
      expect(tf.memory().numTensors).toBe(before);
      for (let d = 0; d < 2; d++) {
        expect(Math.abs(m[d] - mu[d]), `mean ${d}`).toBeLessThan(5 * 0.008 + 0.005);
        expect(Math.abs(sd[d] - s), `std ${d}`).toBeLessThan(5 * 0.0056 + 0.005);
      }
    });

    it('rejects a broken score (× 1.2): the test can fail', async () => {
      const model = exactModel('vp');
      const broken = { ...model, score: (x: tf.Tensor, t: number) => tf.tidy(() => tf.mul(model.score(x, t), 1.2)) };
      const x = await sampleInBrowser(tf, broken, { sampler: 'euler-maruyama', steps: 200, n: 4000, seed: 3 });
      const { sd } = moments(x);
      x.dispose();
      expect(Math.abs(sd[0] - s)).toBeGreaterThan(5 * 0.0056 + 0.005);
    });

    it('reports progress once per step and names bad options', async () => {
      const calls: number[] = [];
      const x = await sampleInBrowser(tf, exactModel('vp'), { steps: 5, n: 3, onProgress: (k: number) => void calls.push(k) });
      x.dispose();
      expect(calls).toEqual([1, 2, 3, 4, 5]);
      await expect(sampleInBrowser(tf, exactModel('vp'), { sampler: 'heun' })).rejects.toThrow("unknown sampler 'heun' (allowed: euler-maruyama, ddim)");
      await expect(sampleInBrowser(tf, exactModel('vp'), { steps: 0 })).rejects.toThrow('steps must be an integer ≥ 1, got 0');
    });
  });
});
