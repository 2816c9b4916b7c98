import { ConfigError } from '@scorekit/core';
import { SDE_NAMES, VpSde } from '@scorekit/sde';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { NoisyClassifierConfigError, createNoisyClassifier, noisyClassifierRegistry } from '../src/index.js';

describe('noisyClassifierRegistry (core registry shape)', () => {
  it('names the architectures, and a config keyed by name builds what one keyed by kind does', () => {
    expect(noisyClassifierRegistry.names()).toEqual(['mlp', 'conv']);
    const options = { sde: { name: 'vp' as const }, numClasses: 3, dataShape: [2], width: 8, depth: 1, seed: 4 };
    // `kind` is how classifier folders saved before `name` spell it.
    const byKind = createNoisyClassifier({ kind: 'mlp', ...options });
    expect(byKind.config.name).toBe('mlp');
    expect(byKind.config).not.toHaveProperty('kind');
    const byName = createNoisyClassifier({ name: 'mlp', ...options });
    const viaRegistry = noisyClassifierRegistry.create({ name: 'mlp', ...options });
    expect(byName.config).toEqual(byKind.config);
    expect(viaRegistry.config).toEqual(byKind.config);
    // Same seed, same architecture: the logits agree exactly.
    const x = tf.tensor2d([[0.5, -1], [2, 0.25]]);
    const expected = Array.from(byKind.logits(x, 0.3).dataSync());
    expect(Array.from(byName.logits(x, 0.3).dataSync())).toEqual(expected);
    expect(Array.from(viaRegistry.logits(x, 0.3).dataSync())).toEqual(expected);
    for (const c of [byKind, byName, viaRegistry]) c.dispose();
    x.dispose();
  });

  it('a config with three mistakes gives three issues, each with its path and what is allowed', () => {
    const r = noisyClassifierRegistry.resolve({ name: 'conv', sde: new VpSde(), numClasses: 1, dataShape: [4], width: 0 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(['numClasses', 'dataShape', 'width']);
    expect(r.issues.map((i) => i.allowed)).toEqual(['an integer ≥ 2', '[h, w, c]', 'an integer ≥ 1']);
  });

  it("an SDE's own issues are reported under sde; unknown names list the allowed ones", () => {
    let error: unknown;
    try {
      createNoisyClassifier({ name: 'mlp', sde: { name: 'vq' } as never, numClasses: 2, dataShape: [2] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NoisyClassifierConfigError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([expect.objectContaining({ path: 'sde.name', allowed: SDE_NAMES.join(', ') })]);
    expect(noisyClassifierRegistry.resolve({ name: 'cnn' })).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'name', allowed: 'mlp, conv' })] });
  });

  it('name and the older kind that disagree are one problem naming both, beside the config’s other problems', () => {
    const both = "name 'mlp' and kind 'conv' disagree: give only 'name' ('kind' is its deprecated spelling)";
    expect(noisyClassifierRegistry.resolve({ name: 'mlp', kind: 'conv', sde: { name: 'vp' }, numClasses: 2, dataShape: [2] })).toEqual({
      ok: false,
      issues: [{ path: 'name', problem: both, allowed: "one 'name'" }],
    });
    let error: unknown;
    try {
      createNoisyClassifier({ name: 'mlp', kind: 'conv', sde: { name: 'vp' }, numClasses: 1, dataShape: [2] } as never);
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['name', 'numClasses']);
    expect((error as ConfigError).issues[0]!.problem).toBe(both);
  });
});
