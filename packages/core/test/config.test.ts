import { describe, expect, it } from 'vitest';
import { ConfigError, IssueList, defineRegistry, variantNameOf, withVariantName, optionChecks as c, prefixIssues, readOptions, resolutionOf, resolveOptions } from '../src/index.js';

describe('one convention for configs and errors', () => {
  const spec = { steps: c.integerAtLeast(1), eta: c.nonNegative, method: c.oneOf('a', 'b') };

  it('resolveOptions reports every problem with its path and what is allowed, not just the first', () => {
    const r = resolveOptions({ steps: 0, eta: -1, method: 'c', tpyo: 2 }, spec);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      { path: 'steps', problem: 'must be an integer ≥ 1; got 0', allowed: 'an integer ≥ 1' },
      { path: 'eta', problem: 'must be a number ≥ 0; got -1', allowed: 'a number ≥ 0' },
      { path: 'method', problem: "must be one of 'a', 'b'; got 'c'", allowed: "one of 'a', 'b'" },
      { path: 'tpyo', problem: 'is not an option (allowed: steps, eta, method)', allowed: 'steps, eta, method' },
    ]);
    expect(resolveOptions({ steps: 3, eta: undefined }, spec)).toEqual({ ok: true, value: { steps: 3 } });
    expect(resolveOptions(7, spec)).toMatchObject({ ok: false, issues: [{ path: '', allowed: 'an object' }] });
  });

  it('readOptions throws one ConfigError listing them all', () => {
    let error: unknown;
    try {
      readOptions("Sampler 'x'", { steps: 1.5, eta: 'no' }, spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.issues.map((i) => i.path)).toEqual(['steps', 'eta']);
    expect(e.message).toBe("Sampler 'x': invalid options:\n  - steps must be an integer ≥ 1; got 1.5\n  - eta must be a number ≥ 0; got 'no'");
    expect(e.problems).toEqual(['steps must be an integer ≥ 1; got 1.5', "eta must be a number ≥ 0; got 'no'"]);
  });

  it('a registry has names, specs, resolve (all problems) and create; the variant key is always name', () => {
    const made: unknown[] = [];
    const registry = defineRegistry<string>('widget', [
      { name: 'round', spec: { radius: c.positive }, create: (o: { radius?: number }) => `round ${o.radius ?? 1}` },
      {
        name: 'box',
        spec: { w: c.positive, h: c.positive },
        check: (o: { w?: number; h?: number }) => ((o.w ?? 1) < (o.h ?? 1) ? [{ path: 'w', problem: 'must be ≥ h', allowed: `a number ≥ ${o.h}` }] : []),
        create: (o) => (made.push(o), 'box'),
      },
    ]);
    expect(registry.names()).toEqual(['round', 'box']);
    expect(registry.create({ name: 'round', radius: 2 })).toBe('round 2');
    expect(registry.resolve({ name: 'squircle' })).toMatchObject({ ok: false, issues: [{ path: 'name', allowed: 'round, box' }] });
    expect(registry.resolve({ kind: 'round' })).toMatchObject({ ok: false, issues: [{ path: 'name', problem: 'is missing (allowed: round, box)' }] });
    expect(registry.resolve({ name: 'box', w: -1, h: 0, d: 1 })).toMatchObject({ ok: false, issues: [{ path: 'w' }, { path: 'h' }, { path: 'd' }] });
    expect(() => registry.create({ name: 'box', w: 1, h: 2 })).toThrow(/Invalid widget 'box' config:\n {2}- w must be ≥ h/);
    expect(made).toEqual([]); // nothing built from a bad config
    registry.register({ name: 'dot', spec: {}, create: () => 'dot' });
    expect(registry.create({ name: 'dot' })).toBe('dot');
  });

  it('a deprecated spelling of name (kind) still loads; a config giving both that disagree is one problem naming both', () => {
    const registry = defineRegistry<string>('widget', [{ name: 'round', spec: { radius: c.positive }, create: (o: { radius?: number }) => `round ${o.radius ?? 1}` }], { aliases: ['kind'] });
    // What a file saved before `name` holds.
    expect(registry.create({ kind: 'round', radius: 3 })).toBe('round 3');
    expect(registry.resolve({ kind: 'round', name: 'round' })).toEqual({ ok: true, value: { name: 'round', options: {} } });
    const both = registry.resolve({ name: 'round', kind: 'box' });
    expect(both).toEqual({
      ok: false,
      issues: [{ path: 'name', problem: "name 'round' and kind 'box' disagree: give only 'name' ('kind' is its deprecated spelling)", allowed: "one 'name'" }],
    });
    expect(() => registry.create({ name: 'round', kind: 'box' })).toThrow(/name 'round' and kind 'box' disagree/);
    // The alias is not an option of its own, so a bad value of it is the unknown-name problem.
    expect(registry.resolve({ kind: 'squircle' })).toMatchObject({ ok: false, issues: [{ path: 'name', allowed: 'round' }] });
    expect(withVariantName({ parameterisation: 'edm', sigmaData: 0.5 }, ['parameterisation'])).toEqual({ ok: true, value: { name: 'edm', sigmaData: 0.5 } });
    expect(variantNameOf({ kind: 'unet' }, ['kind'])).toBe('unet');
    expect(variantNameOf({ name: 'mlp', kind: 'unet' }, ['kind'])).toBeUndefined();
    expect(withVariantName(null, ['kind'])).toEqual({ ok: true, value: null });
  });

  it("an entry's own resolver replaces the spec pass: its defaults and every issue come back, and resolutionOf catches only ConfigErrors", () => {
    // A resolver written to throw (as networks' and objectives' are), serving the registry through resolutionOf.
    const resolveRing = (o: Record<string, unknown>) => {
      const issues = new IssueList('ring');
      const inner = (o.inner as number | undefined) ?? 1;
      const outer = (o.outer as number | undefined) ?? 2;
      if (!(inner > 0)) issues.add('inner', `must be > 0, got ${inner}`, 'a number > 0');
      if (!(outer > inner)) issues.add('outer', `must be > inner, got ${outer}`, `a number > ${inner}`);
      issues.throwIfAny('ring');
      return { inner, outer };
    };
    const registry = defineRegistry<string>('shape', [
      { name: 'ring', spec: { inner: c.positive, outer: c.positive }, resolve: (o) => resolutionOf(() => resolveRing(o)), create: (o: { inner?: number; outer?: number }) => `ring ${o.inner}-${o.outer}` },
    ]);
    expect(registry.resolve({ name: 'ring' })).toEqual({ ok: true, value: { name: 'ring', options: { inner: 1, outer: 2 } } });
    expect(registry.create({ name: 'ring', outer: 5 })).toBe('ring 1-5');
    expect(registry.resolve({ name: 'ring', inner: -1, outer: -2 })).toEqual({
      ok: false,
      issues: [
        { path: 'ring.inner', problem: 'must be > 0, got -1', allowed: 'a number > 0' },
        { path: 'ring.outer', problem: 'must be > inner, got -2', allowed: 'a number > -1' },
      ],
    });
    expect(() => resolutionOf(() => { throw new RangeError('not a config problem'); })).toThrow(RangeError);
  });

  it('nested configs report into their parent with prefixed paths', () => {
    expect(prefixIssues('sampler', [{ path: 'steps', problem: 'x' }, { path: '', problem: 'y' }, { path: '[0]', problem: 'z' }])).toEqual([
      { path: 'sampler.steps', problem: 'x' },
      { path: 'sampler', problem: 'y' },
      { path: 'sampler[0]', problem: 'z' },
    ]);
    expect(new ConfigError('unet network', ['nf must be ≥ 1']).issues).toEqual([{ path: '', problem: 'nf must be ≥ 1' }]);
  });
});
