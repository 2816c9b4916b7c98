import { ConfigError as CoreConfigError } from '@scorekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, createNetwork, resolveNetworkConfig } from '../src/index.js';

describe('resolveNetworkConfig', () => {
  it('fills in the same defaults as the built network, without allocating a tensor', () => {
    for (const config of [
      { name: 'mlp', dim: 2, width: 16 },
      { name: 'unet', imageSize: 8, channels: 1, nf: 4, chMult: [1, 2] },
      { name: 'energy', network: { name: 'mlp', dim: 2, width: 8, outputDim: 1 } },
    ]) {
      const before = tf.memory().numTensors;
      const resolved = resolveNetworkConfig(config);
      expect(tf.memory().numTensors).toBe(before);
      const network = createNetwork(config);
      expect(resolved).toEqual(network.config);
      network.dispose();
    }
  });

  it('checks a network far too large to build (30 000 wide) without building it', () => {
    const before = tf.memory().numTensors;
    // Built, this would be 2.7e9 weights (about 11 GB): resolving it allocates nothing.
    expect(resolveNetworkConfig({ name: 'mlp', dim: 2, width: 30000, depth: 4 })).toMatchObject({ width: 30000, depth: 4 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lists every problem of an invalid config at once', () => {
    let caught: unknown;
    try {
      resolveNetworkConfig({ name: 'mlp', dim: 2, width: -1, depth: 0 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      expect.stringMatching(/width must be an integer in \[1, ∞\], got -1/),
      expect.stringMatching(/depth must be an integer in \[1, ∞\], got 0/),
    ]);
  });
});

describe('network config errors are core ConfigErrors with paths and allowed values', () => {
  it('lists every problem with its path', () => {
    let error: unknown;
    try {
      resolveNetworkConfig({ name: 'mlp', dim: 0, width: -1, depth: 2, sizeFactor: 3 } as never);
    } catch (e) {
      error = e;
    }
    expect(ConfigError).toBe(CoreConfigError); // one class, not a copy
    expect(error).toBeInstanceOf(CoreConfigError);
    const issues = (error as CoreConfigError).issues;
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['mlp.dim', 'mlp.width', 'mlp.sizeFactor']));
    expect(issues.find((i) => i.path === 'mlp.width')?.allowed).toMatch(/integer/);
    expect(issues.find((i) => i.path === 'mlp.sizeFactor')?.problem).toMatch(/is not a known option \(allowed: /);
  });
});
