import { ConfigError } from '@scorekit/core';
import { describe, expect, it } from 'vitest';
import { correctorRegistry, createSampler, predictorRegistry } from '../src/index.js';

const issuesOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
};

describe('the PC steps as registries of core shape', () => {
  it('keeps every built-in name, in score_sde order', () => {
    expect(predictorRegistry.names().slice(0, 4)).toEqual(['euler-maruyama', 'reverse-diffusion', 'ancestral', 'none']);
    expect(correctorRegistry.names().slice(0, 3)).toEqual(['langevin', 'ald', 'none']);
  });

  it('reports every problem of a step config at once, with paths and allowed values', () => {
    const r = correctorRegistry.resolve({ name: 'langevin', snr: -1, steps: 0.5, tpyo: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(['snr', 'steps', 'tpyo']);
    expect(r.issues.map((i) => i.allowed)).toEqual(['a number > 0', 'an integer ≥ 0', 'snr, steps']);
    const p = predictorRegistry.resolve({ name: 'ancestral', variance: 'big' });
    expect(p).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'variance', allowed: "one of 'beta', 'posterior'" })] });
  });

  it('names the allowed steps for an unknown one', () => {
    const r = predictorRegistry.resolve({ name: 'heun' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([expect.objectContaining({ path: 'name', allowed: predictorRegistry.names().join(', ') })]);
    expect(() => predictorRegistry.create({ name: 'heun' })).toThrow(/'heun' is not a known predictor \(allowed: euler-maruyama, reverse-diffusion, ancestral, none/);
  });

  it("reports a pc config's three mistakes as three issues, step names with the registered ones", () => {
    const issues = issuesOf(() => createSampler('pc', { predictor: 'heun', corrector: 'hmc', snr: -1 }));
    expect(issues.map((i) => i.path)).toEqual(['predictor', 'corrector', 'snr']);
    expect(issues[0]!.allowed).toBe(`one of ${predictorRegistry.names().map((n) => `'${n}'`).join(', ')}`);
    expect(issues[1]!.allowed).toBe(`one of ${correctorRegistry.names().map((n) => `'${n}'`).join(', ')}`);
    expect(issues[2]!.allowed).toBe('a number > 0');
  });
});
