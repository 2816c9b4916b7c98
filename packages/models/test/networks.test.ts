import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { describeOnBackends, expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { ConfigError, createNetwork, networkKinds, UNET_PRESETS, type Network } from '../src/index.js';
import { randomizeWeights } from './helpers.js';

// Hand-derived parameter counts (kernel + bias per dense/conv, gain + shift per GroupNorm).
//
// mlp { dim 2, width 16, depth 2, embeddingDim 8 }:
//   hidden0 (2+8)·16+16 = 176, hidden1 16·16+16 = 272, out 16·2+2 = 34            → 482
//   numClasses 3 adds a table (3+1)·8 = 32                                          → 514
//
// unet { imageSize 8, channels 1, nf 8, chMult [1, 2], numResBlocks 1 } (attention at 4×4, temb dim 32):
//   res(i→o) = 2i + (9io+o) + (32o+o) + 2o + (9o²+o) + [i≠o](io+o);  attn(C) = 2C + 4(C²+C)
//   temb 8·32+32 + 32·32+32 = 1344; conv_in 9·1·8+8 = 80
//   down: res(8→8) 1464, downsample 9·64+8 = 584, res(8→16) 4208, attn(16) 1120
//   mid: 2·res(16→16) = 2·5232, attn(16) 1120
//   up1: res(32→16) 8096, res(24→16) 6800, attn(16) 1120, upsample 9·256+16 = 2320
//   up0: res(24→8) 2848, res(16→8) 2192; out: GN 16 + conv 9·8·1+1 = 73
//   total 43849
const SMALL_MLP = { name: 'mlp', dim: 2, width: 16, depth: 2, embeddingDim: 8 } as const;
const SMALL_UNET = { name: 'unet', imageSize: 8, channels: 1, nf: 8, chMult: [1, 2], numResBlocks: 1 } as const;

describe('network configs', () => {
  it('parameter counts match the hand derivation', () => {
    const mlp = createNetwork(SMALL_MLP);
    expect(mlp.parameterCount).toBe(482);
    const conditional = createNetwork({ ...SMALL_MLP, numClasses: 3 });
    expect(conditional.parameterCount).toBe(514);
    // Fourier frequencies are a fixed buffer, not parameters.
    const fourier = createNetwork({ ...SMALL_MLP, embedding: 'fourier' });
    expect(fourier.parameterCount).toBe(482);
    expect(fourier.variables.filter((v) => !v.trainable).map((v) => v.name)).toEqual(['temb/fourier/frequencies']);
    const unet = createNetwork(SMALL_UNET);
    expect(unet.parameterCount).toBe(43849);
    // A class table [numClasses + 1, 4nf] on top.
    const cunet = createNetwork({ ...SMALL_UNET, numClasses: 10 });
    expect(cunet.parameterCount).toBe(43849 + 11 * 32);
    // The energy wrapper adds no parameters.
    const energy = createNetwork({ name: 'energy', network: { ...SMALL_MLP, outputDim: 1 } });
    expect(energy.parameterCount).toBe(482 - 34 + (16 + 1));
    for (const n of [mlp, conditional, fourier, unet, cunet, energy]) n.dispose();
  });

  it('U-Net parameter count follows the general formula for the presets (28×28 and 32×32)', () => {
    for (const preset of [UNET_PRESETS.mnist, UNET_PRESETS.cifar]) {
      const net = createNetwork(preset);
      expect(net.parameterCount).toBe(unetParameterFormula(net.config as never));
      net.dispose();
    }
  });

  it('variable names are stable across instances and unique', () => {
    const a = createNetwork(SMALL_UNET);
    const b = createNetwork(SMALL_UNET);
    expect(a.variables.map((v) => v.name)).toEqual(b.variables.map((v) => v.name));
    expect(new Set(a.variables.map((v) => v.name)).size).toBe(a.variables.length);
    expect(a.variables[0].variable.name).not.toBe(b.variables[0].variable.name);
    a.dispose();
    b.dispose();
  });

  it('the resolved config rebuilds the same architecture and is JSON-serialisable', () => {
    const a = createNetwork({ name: 'unet', imageSize: 28 });
    const b = createNetwork(JSON.parse(JSON.stringify(a.config)));
    expect(b.config).toEqual(a.config);
    expect(b.parameterCount).toBe(a.parameterCount);
    expect(a.config).toMatchObject({ imageSize: [28, 28], chMult: [1, 2, 2], attnResolutions: [7] });
    a.dispose();
    b.dispose();
  });

  it('the same rng seed gives the same initial weights', () => {
    const a = createNetwork(SMALL_MLP, { rng: new Rng(5) });
    const b = createNetwork(SMALL_MLP, { rng: new Rng(5) });
    const c = createNetwork(SMALL_MLP, { rng: new Rng(6) });
    expect(Array.from(a.variables[0].variable.dataSync())).toEqual(Array.from(b.variables[0].variable.dataSync()));
    expect(Array.from(a.variables[0].variable.dataSync())).not.toEqual(Array.from(c.variables[0].variable.dataSync()));
    [a, b, c].forEach((n) => n.dispose());
  });

  it('reports every problem of a bad config at once, naming the field and what is allowed', () => {
    let error: unknown;
    try {
      createNetwork({ name: 'unet', imageSize: 30, chMult: [1, 2, 2], nf: 7, dropout: 1.5, colour: true } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/colour is not a known option/);
    expect(problems).toMatch(/imageSize 30×30 must be divisible by .* = 4/);
    expect(problems).toMatch(/nf must be even/);
    expect(problems).toMatch(/dropout must be in \[0, 1\), got 1.5/);
    expect(() => createNetwork({ kind: 'transformer' })).toThrow(/kind must be one of 'mlp', 'unet', 'energy'/);
    expect(() => createNetwork({ name: 'mlp' } as never)).toThrow(/dim is required/);
    expect(() => createNetwork({ name: 'energy', network: { name: 'mlp', dim: 2, outputDim: 3 } })).toThrow(
      /quadratic' needs an inner network shaped like its input/,
    );
    // The inner network's own checks reach the energy config's error (with the path through it), all of them.
    let inner: unknown;
    try {
      createNetwork({ name: 'energy', network: { name: 'mlp', dim: 2, outputDim: 1, activation: 'foo', width: 0, colour: 1 } } as never);
    } catch (e) {
      inner = e;
    }
    expect(inner).toBeInstanceOf(ConfigError);
    const innerProblems = (inner as ConfigError).problems.join('\n');
    expect(innerProblems).toMatch(/energy\.network\.activation must be one of 'silu', 'softplus', 'tanh', got 'foo'/);
    expect(innerProblems).toMatch(/energy\.network\.width must be an integer/);
    expect(innerProblems).toMatch(/energy\.network\.colour is not a known option/);
    expect(networkKinds()).toEqual(['mlp', 'unet', 'energy']);
  });
});

describeOnBackends('network forward passes', () => {
  it('output shapes: mlp, unet at 28×28 and 32×32, energy', () => {
    const cases: [Network, number[]][] = [
      [createNetwork(SMALL_MLP), [5, 2]],
      [createNetwork({ name: 'unet', imageSize: 28, channels: 1, nf: 8, chMult: [1, 2, 2] }), [2, 28, 28, 1]],
      [createNetwork({ name: 'unet', imageSize: 32, channels: 3, nf: 8, chMult: [1, 2, 2] }), [2, 32, 32, 3]],
      [createNetwork({ name: 'energy', network: SMALL_MLP }), [5, 2]],
    ];
    for (const [net, shape] of cases) {
      const out = tf.tidy(() => net.apply(tf.zeros(shape), tf.linspace(0, 1, shape[0])));
      expect(out.shape).toEqual(shape);
      out.dispose();
      net.dispose();
    }
  });

  it('apply rejects wrong shapes with a clear message', () => {
    const net = createNetwork(SMALL_UNET);
    expect(() => net.apply(tf.zeros([2, 8, 8, 3]), tf.zeros([2]))).toThrow(/x must have shape \[n, 8, 8, 1\], got \[2, 8, 8, 3\]/);
    expect(() => net.apply(tf.zeros([2, 8, 8, 1]), tf.zeros([3]))).toThrow(/cNoise must have shape \[2\]/);
    expect(() => net.apply(tf.zeros([2, 8, 8, 1]), tf.zeros([2]), { labels: tf.tensor1d([0, 1], 'int32') })).toThrow(
      /unconditional/,
    );
    expect(() => net.apply(tf.zeros([2, 8, 8, 1]), tf.zeros([2]), { training: true })).toThrow(/needs options.rng/);
    net.dispose();
  });

  it('U-Net samples are independent: each output depends only on its own input', () => {
    const net = createNetwork(SMALL_UNET);
    randomizeWeights(net, 1);
    const rng = new Rng(2);
    const x = rng.normal([3, 8, 8, 1]);
    const c = tf.tensor1d([1, 200, 700]);
    const full = net.apply(x, c);
    const single = net.apply(tf.slice(x, [1], [1]), tf.slice(c, [1], [1]));
    // float32 GEMMs summed in a different order for a batch of 1 vs 3: agreement to ~1e-5 relative.
    expectAllClose(single, tf.slice(full, [1], [1]), 1e-5, 1e-4);
    tf.dispose([x, c, full, single]);
    net.dispose();
  });

  it('class labels change the output; omitted labels mean "no label"', () => {
    const net = createNetwork({ ...SMALL_UNET, numClasses: 3 });
    randomizeWeights(net, 4);
    const x = new Rng(3).normal([2, 8, 8, 1]);
    const c = tf.tensor1d([10, 10]);
    const none = net.apply(x, c);
    const explicitNone = net.apply(x, c, { labels: tf.tensor1d([3, 3], 'int32') });
    const labelled = net.apply(x, c, { labels: tf.tensor1d([0, 2], 'int32') });
    expectAllClose(explicitNone, none, 0, 0);
    expect(tf.max(tf.abs(tf.sub(labelled, none))).dataSync()[0]).toBeGreaterThan(1e-3);
    expect(() => net.apply(x, c, { labels: tf.tensor1d([0, 4], 'int32') })).toThrow(/labels must be in 0…3 \(3 = no label\), got 4/);
    tf.dispose([x, c, none, explicitNone, labelled]);
    net.dispose();
  });

  it('dropout is active only in training mode, and reproducible from the rng', () => {
    const net = createNetwork({ ...SMALL_UNET, dropout: 0.5 });
    randomizeWeights(net, 5);
    const x = new Rng(3).normal([2, 8, 8, 1]);
    const c = tf.tensor1d([10, 500]);
    const evalA = net.apply(x, c, { training: false, rng: new Rng(1) });
    const evalB = net.apply(x, c);
    const trainA = net.apply(x, c, { training: true, rng: new Rng(1) });
    const trainB = net.apply(x, c, { training: true, rng: new Rng(1) });
    const trainC = net.apply(x, c, { training: true, rng: new Rng(2) });
    expectAllClose(evalA, evalB, 0, 0);
    expectAllClose(trainA, trainB, 0, 0);
    expect(tf.max(tf.abs(tf.sub(trainA, evalA))).dataSync()[0]).toBeGreaterThan(1e-3);
    expect(tf.max(tf.abs(tf.sub(trainA, trainC))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([x, c, evalA, evalB, trainA, trainB, trainC]);
    net.dispose();
  });

  it('forward passes leak no tensors', async () => {
    const net = createNetwork({ ...SMALL_UNET, numClasses: 2 });
    const x = tf.zeros([2, 8, 8, 1]);
    const c = tf.ones([2]);
    const labels = tf.tensor1d([0, 2], 'int32');
    const rng = new Rng(0);
    await expectNoTensorLeak(() => {
      tf.dispose(net.apply(x, c, { training: true, rng, labels }));
    });
    tf.dispose([x, c, labels]);
    net.dispose();
  });
});

function unetParameterFormula(cfg: { nf: number; chMult: number[]; numResBlocks: number; channels: number; attnResolutions: number[]; imageSize: number[] }): number {
  const { nf, chMult, numResBlocks, channels } = cfg;
  const T = 4 * nf;
  const res = (i: number, o: number) => 2 * i + (9 * i * o + o) + (T * o + o) + 2 * o + (9 * o * o + o) + (i !== o ? i * o + o : 0);
  const attn = (C: number) => 2 * C + 4 * (C * C + C);
  const conv = (i: number, o: number) => 9 * i * o + o;
  let total = nf * T + T + T * T + T + conv(channels, nf);
  const skips = [nf];
  let ch = nf;
  chMult.forEach((m, level) => {
    const r = cfg.imageSize[0] / 2 ** level;
    for (let b = 0; b < numResBlocks; b++) {
      total += res(ch, nf * m) + (cfg.attnResolutions.includes(r) ? attn(nf * m) : 0);
      ch = nf * m;
      skips.push(ch);
    }
    if (level < chMult.length - 1) {
      total += conv(ch, ch);
      skips.push(ch);
    }
  });
  total += 2 * res(ch, ch) + attn(ch);
  for (let level = chMult.length - 1; level >= 0; level--) {
    for (let b = 0; b < numResBlocks + 1; b++) {
      total += res(ch + (skips.pop() as number), nf * chMult[level]);
      ch = nf * chMult[level];
    }
    if (cfg.attnResolutions.includes(cfg.imageSize[0] / 2 ** level)) total += attn(ch);
    if (level > 0) total += conv(ch, ch);
  }
  return total + 2 * ch + conv(ch, channels);
}
