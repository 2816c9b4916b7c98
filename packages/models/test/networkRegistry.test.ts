import { ConfigError, Rng } from '@scorekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createMlp, createNetwork, networkKinds, networkRegistry, registerNetwork, resolveNetworkConfig } from '../src/index.js';

const issuesOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
};

describe('networkRegistry (core registry shape, keyed by name)', () => {
  it('keeps every name, and `name` resolves to the same config as the older `kind`', () => {
    expect(networkRegistry.names()).toEqual(networkKinds());
    expect(networkKinds().slice(0, 3)).toEqual(['mlp', 'unet', 'energy']);
    const configs = [
      { dim: 2, width: 16 },
      { imageSize: 8, channels: 1, nf: 4, chMult: [1, 2] },
    ];
    for (const [i, name] of (['mlp', 'unet'] as const).entries()) {
      const byName = resolveNetworkConfig({ name, ...configs[i] });
      expect(byName).toEqual(resolveNetworkConfig({ kind: name, ...configs[i] } as never));
      const r = networkRegistry.resolve({ name, ...configs[i] });
      expect(r).toEqual({ ok: true, value: { name, options: byName } });
    }
    // An energy network's inner network may be named either way too.
    expect(resolveNetworkConfig({ name: 'energy', network: { name: 'mlp', dim: 2, outputDim: 1 } })).toEqual(
      resolveNetworkConfig({ kind: 'energy', network: { kind: 'mlp', dim: 2, outputDim: 1 } } as never),
    );
    // What is resolved (and so saved in checkpoints and run folders) is keyed by name.
    expect(resolveNetworkConfig({ kind: 'mlp', dim: 2 } as never)).toMatchObject({ name: 'mlp' });
    expect(resolveNetworkConfig({ kind: 'mlp', dim: 2 } as never)).not.toHaveProperty('kind');
  });

  it('an old config keyed by kind builds the same weights as one keyed by name', () => {
    const a = createNetwork({ name: 'mlp', dim: 2, width: 8, depth: 1 }, { rng: new Rng(3) });
    const b = createNetwork({ kind: 'mlp', dim: 2, width: 8, depth: 1 }, { rng: new Rng(3) });
    expect(b.config).toEqual(a.config);
    const x = tf.tensor2d([[0.3, -1.2], [2, 0.5]]);
    const c = tf.tensor1d([0.1, 0.9]);
    // Same architecture and the same seeded initialisation: outputs equal exactly.
    expect(Array.from(b.apply(x, c).dataSync())).toEqual(Array.from(a.apply(x, c).dataSync()));
    a.dispose();
    b.dispose();
  });

  it('a config with three mistakes gives three issues, with paths and allowed values', () => {
    const issues = issuesOf(() => createNetwork({ name: 'mlp', dim: 0, width: -1, activation: 'relu' }));
    expect(issues.map((i) => i.path)).toEqual(['mlp.dim', 'mlp.width', 'mlp.activation']);
    expect(issues.map((i) => i.allowed)).toEqual(['an integer in [1, ∞]', 'an integer in [1, ∞]', "one of 'silu', 'softplus', 'tanh'"]);
    const r = networkRegistry.resolve({ name: 'unet', imageSize: 30, nf: 3, dropout: 1.5 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.path).sort()).toEqual(['unet.dropout', 'unet.imageSize', 'unet.nf']);
      expect(r.issues.every((i) => typeof i.allowed === 'string' && i.allowed.length > 0)).toBe(true);
    }
  });

  it('an unknown name lists the allowed ones, under the key the config used', () => {
    const allowed = `one of ${networkKinds().map((k) => `'${k}'`).join(', ')}`;
    expect(issuesOf(() => createNetwork({ name: 'resnet' }))).toEqual([{ path: 'name', problem: `must be ${allowed}, got 'resnet'`, allowed }]);
    expect(issuesOf(() => resolveNetworkConfig({ kind: 'resnet' }))).toEqual([{ path: 'kind', problem: `must be ${allowed}, got 'resnet'`, allowed }]);
    expect(networkRegistry.resolve({ name: 'resnet' })).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'name', allowed: networkKinds().join(', ') })] });
  });

  it('name and the older kind that disagree are one problem naming both, at the top and inside an energy network', () => {
    const both = "name 'mlp' and kind 'unet' disagree: give only 'name' ('kind' is its deprecated spelling)";
    expect(issuesOf(() => createNetwork({ name: 'mlp', kind: 'unet', dim: 2 } as never))).toEqual([{ path: 'name', problem: both, allowed: "one 'name'" }]);
    expect(networkRegistry.resolve({ name: 'mlp', kind: 'unet', dim: 2 })).toEqual({ ok: false, issues: [{ path: 'name', problem: both, allowed: "one 'name'" }] });
    // Inside an energy network the inner config's problem is reported with the rest of the energy config's.
    const inner = issuesOf(() => createNetwork({ name: 'energy', form: 'cubic', network: { name: 'mlp', kind: 'unet', dim: 2 } } as never));
    expect(inner.map((i) => i.path).sort()).toEqual(['energy.form', 'energy.network.name']);
  });

  it('a registered network gets its config under name, whichever key the config used', () => {
    const seen: unknown[] = [];
    registerNetwork('tiny-named', (config: { name: string; dim?: number }, options) => {
      seen.push(config);
      return createMlp({ name: 'mlp', dim: config.dim ?? 2, width: 4, depth: 1 }, options);
    });
    expect(networkKinds()).toContain('tiny-named');
    const a = createNetwork({ name: 'tiny-named', dim: 3 });
    const b = createNetwork({ kind: 'tiny-named', dim: 3 });
    expect(seen).toEqual([{ name: 'tiny-named', dim: 3 }, { name: 'tiny-named', dim: 3 }]);
    expect(b.config).toEqual(a.config);
    a.dispose();
    b.dispose();
    expect(() => registerNetwork('tiny-named', () => createMlp({ name: 'mlp', dim: 2 }))).toThrow(/'tiny-named' is already registered/);
  });

  it("each built-in spec lists exactly the options its resolver accepts", () => {
    for (const name of ['mlp', 'unet', 'energy']) {
      const r = networkRegistry.resolve({ name, notAnOption: 1 });
      expect(r.ok).toBe(false);
      const keys = ['name', ...Object.keys(networkRegistry.entry(name)!.spec)];
      if (!r.ok) expect(r.issues.find((i) => i.path === `${name}.notAnOption`)?.allowed?.split(', ').sort()).toEqual(keys.sort());
    }
  });
});

describe('scoreModelRegistry (core registry shape)', () => {
  it('names every parameterisation; create gives what createScoreModel gives', async () => {
    const { scoreModelRegistry, createScoreModel, PARAMETERISATIONS } = await import('../src/index.js');
    const { VpSde } = await import('@scorekit/sde');
    expect(scoreModelRegistry.names()).toEqual([...PARAMETERISATIONS]);
    const network = createNetwork({ name: 'mlp', dim: 2, width: 8, depth: 1 }, { rng: new Rng(1) });
    const sde = new VpSde();
    const a = scoreModelRegistry.create({ name: 'edm', sigmaData: 0.7 })(network, sde);
    const b = createScoreModel(network, sde, { name: 'edm', sigmaData: 0.7 });
    expect(a.config).toEqual(b.config);
    const x = tf.tensor2d([[0.3, -1.2], [2, 0.5]]);
    // Same network, same parameterisation: the same prediction, exactly.
    expect(Array.from(a.predict(x, 0.4).x0.dataSync())).toEqual(Array.from(b.predict(x, 0.4).x0.dataSync()));
    network.dispose();
  });

  it("reads the older key 'parameterisation' (run folders saved before name) as name; disagreeing keys are one problem", async () => {
    const { scoreModelRegistry, createScoreModel, resolveScoreModelConfig } = await import('../src/index.js');
    const { VpSde } = await import('@scorekit/sde');
    expect(resolveScoreModelConfig({ parameterisation: 'v' }, { name: 'vp' })).toEqual(resolveScoreModelConfig({ name: 'v' }, { name: 'vp' }));
    expect(scoreModelRegistry.resolve({ parameterisation: 'edm', sigmaData: 0.7 })).toEqual({ ok: true, value: { name: 'edm', options: { sigmaData: 0.7 } } });
    const network = createNetwork({ name: 'mlp', dim: 2, width: 8, depth: 1 }, { rng: new Rng(1) });
    expect(createScoreModel(network, new VpSde(), { parameterisation: 'x0' }).config.name).toBe('x0');
    const both = "name 'eps' and parameterisation 'edm' disagree: give only 'name' ('parameterisation' is its deprecated spelling)";
    expect(() => createScoreModel(network, new VpSde(), { name: 'eps', parameterisation: 'edm', sigmaData: -1 })).toThrow(
      new RegExp(`scoreModel.name ${both.replace(/[()]/g, '\\$&')}[^]*sigmaData must be a number > 0`),
    );
    expect(scoreModelRegistry.resolve({ name: 'eps', parameterisation: 'edm' })).toEqual({ ok: false, issues: [{ path: 'name', problem: both, allowed: "one 'name'" }] });
    network.dispose();
  });

  it('reports every problem it can see without the SDE', async () => {
    const { scoreModelRegistry } = await import('../src/index.js');
    const r = scoreModelRegistry.resolve({ name: 'eps', conditioning: 'sigma2', sigmaData: -1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => [i.path, i.allowed])).toEqual([
      ['conditioning', "one of 'time', 'time999', 'sigma', 'logSigma', 'edm'"],
      ['sigmaData', 'a number > 0'],
    ]);
    expect(scoreModelRegistry.resolve({ name: 'eps', scaleBySigma: true })).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'scaleBySigma', allowed: "false for 'eps'" })] });
    expect(scoreModelRegistry.resolve({ name: 'epsilon' })).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'name', allowed: 'score, eps, x0, v, edm' })] });
  });
});
