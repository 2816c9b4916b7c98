import { ConfigError } from '@scorekit/core';
import { describe, expect, it } from 'vitest';
import { OBJECTIVE_NAMES, ObjectiveConfigError, createObjective, objectiveOptionNames, objectiveRegistry } from '../src/index.js';

describe('objectiveRegistry (core registry shape)', () => {
  it('keeps every name and default: create through the registry equals createObjective', () => {
    expect(objectiveRegistry.names()).toEqual(OBJECTIVE_NAMES);
    for (const name of OBJECTIVE_NAMES) {
      const viaRegistry = objectiveRegistry.create({ name });
      expect(viaRegistry.options).toEqual(createObjective({ name }).options);
      expect(viaRegistry.requires).toBe(createObjective({ name }).requires);
    }
  });

  it("each spec names exactly the options the resolver accepts (an unknown option's allowed list is the spec's keys)", () => {
    for (const name of OBJECTIVE_NAMES) {
      const spec = objectiveRegistry.entry(name)!.spec;
      expect(objectiveOptionNames(name)).toEqual(Object.keys(spec));
      const r = objectiveRegistry.resolve({ name, notAnOption: 1 });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues).toEqual([expect.objectContaining({ path: `${name}.notAnOption`, allowed: Object.keys(spec).join(', ') })]);
    }
  });

  it('a config with three mistakes gives three issues, each with its path and what is allowed', () => {
    const r = objectiveRegistry.resolve({ name: 'edm', pStd: -1, reduce: 'max', tpyo: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path).sort()).toEqual(['edm.pStd', 'edm.reduce', 'edm.tpyo']);
    expect(r.issues.find((i) => i.path === 'edm.pStd')?.allowed).toBe(objectiveRegistry.entry('edm')!.spec.pStd!.allowed);
    expect(r.issues.find((i) => i.path === 'edm.reduce')?.allowed).toBe(objectiveRegistry.entry('edm')!.spec.reduce!.allowed);
    // createObjective throws the same issues as one ObjectiveConfigError (a core ConfigError).
    try {
      createObjective({ name: 'edm', pStd: -1, reduce: 'max', tpyo: 1 } as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ObjectiveConfigError);
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues).toEqual(r.issues);
    }
  });

  it("ncsn's cross-field problems carry the field's path and what is allowed", () => {
    const both = objectiveRegistry.resolve({ name: 'ncsn', sigmas: [1, 0.1], levels: 4 });
    expect(both).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'ncsn.sigmas', allowed: 'sigmas alone, or levels alone' })] });
    const order = objectiveRegistry.resolve({ name: 'ncsn', sigmaBegin: 0.1, sigmaEnd: 1 });
    expect(order).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'ncsn.sigmaBegin', allowed: 'a number > sigmaEnd (1)' })] });
  });

  it('lists the allowed names for an unknown one', () => {
    const r = objectiveRegistry.resolve({ name: 'sm' });
    expect(r).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'name', allowed: OBJECTIVE_NAMES.join(', ') })] });
  });
});
