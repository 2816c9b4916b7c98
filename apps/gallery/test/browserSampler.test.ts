import * as tf from '@tensorflow/tfjs-core';
import nodePath from 'node:path';
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTensors } from '@scorekit/core/node';
import { createNetwork, createScoreModel, type Network } from '@scorekit/models';
import { createSde } from '@scorekit/sde';
// The page's own module, run here on Node's tfjs: the same file the browser loads.
import { createMlpScoreModel, createSde as browserSde, interpolateOde, readSafetensors, sampleInBrowser, slerp } from '../public/browserSampler.js';
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
      // One prediction read as score and ε̂ (the score model's Denoiser contract); tidy keeps only what is returned.
      const expected = tf.tidy(() => {
        const p = model.predict(x, tt);
        return [tf.clone(p.score), tf.clone(p.eps)];
      });
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

describe('interpolation through the probability-flow ODE', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });
  // Data N(μ, s²I) again: the ODE moves x_t = α_t μ + k_t z with z fixed (k_t = √(α_t²s² + σ_t²)), so encoding,
  // slerp and decoding have a closed form. DDIM is first order: its error halves with the steps (measured 0.011 at
  // 200, 0.0056 at 400 for the ends, 0.011 at 400 for the midpoint); 400 steps and 1.5e-2 leave room for that only.
  const sde = browserSde('vp');
  const mu = [1, -2];
  const s = 0.5;
  const eps = (x: tf.Tensor, t: number) =>
    tf.tidy(() => {
      const a = sde.alpha(t);
      const v = a * a * s * s + sde.sigma(t) ** 2;
      return tf.mul(tf.div(tf.sub(x, tf.mul(tf.tensor1d(mu), a)), v), sde.sigma(t));
    });
  const model = { sde, dim: 2, eps, score: (x: tf.Tensor, t: number) => tf.tidy(() => tf.div(eps(x, t), -sde.sigma(t))) };

  it('starts at a and ends at b, and its midpoint is the closed-form one', async () => {
    const a = [1.4, -1.7];
    const b = [0.6, -2.5];
    const before = tf.memory().numTensors;
    const path = await interpolateOde(tf, model, a, b, { count: 5, steps: 400 });
    expect(tf.memory().numTensors).toBe(before);
    expect(path.length).toBe(5);
    const k = (t: number) => Math.sqrt(sde.alpha(t) ** 2 * s * s + sde.sigma(t) ** 2);
    const encode = (x: number[]) => x.map((v, d) => sde.alpha(sde.T) * mu[d] + (k(sde.T) * (v - sde.alpha(sde.eps) * mu[d])) / k(sde.eps));
    const zMid = slerp(encode(a), encode(b), 0.5);
    const mid = zMid.map((z: number, d: number) => sde.alpha(sde.eps) * mu[d] + (k(sde.eps) * (z - sde.alpha(sde.T) * mu[d])) / k(sde.T));
    for (let d = 0; d < 2; d++) {
      expect(Math.abs(path[0][d] - a[d]), `a ${d}`).toBeLessThan(1.5e-2);
      expect(Math.abs(path[4][d] - b[d]), `b ${d}`).toBeLessThan(1.5e-2);
      expect(Math.abs(path[2][d] - mid[d]), `mid ${d}`).toBeLessThan(1.5e-2);
    }
  });

  it('slerp keeps the ends and the norm of equal-norm latents', () => {
    expect(slerp([1, 0], [0, 1], 0)).toEqual([1, 0]);
    const m = slerp([1, 0], [0, 1], 0.5);
    expect(m[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(Math.hypot(...m)).toBeCloseTo(1, 12);
  });
});
