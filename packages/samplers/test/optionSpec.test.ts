// samplerOptionSpec describes exactly what createSampler accepts: every option it lists is accepted with a value
// of its kind and refused with a value outside it, and nothing it leaves out is accepted.
import { describe, expect, it } from 'vitest';
import { SAMPLER_NAMES, createSampler, samplerOptionSpec } from '../src/index.js';

describe('samplerOptionSpec', () => {
  it('ddim: the documented options, kinds and defaults', () => {
    const spec = Object.fromEntries(samplerOptionSpec('ddim').map((o) => [o.name, o]));
    expect(Object.keys(spec)).toEqual(['steps', 'eta', 'spacing', 'eps', 'timestepSpacing']);
    expect(spec.steps).toMatchObject({ kind: 'integer', min: 1, default: 50 });
    expect(spec.eta).toMatchObject({ kind: 'number', min: 0, default: 0 });
    expect(spec.spacing).toMatchObject({ kind: 'choice', choices: ['time', 'logSNR'], default: 'time' });
    expect(spec.eps!.default).toBeUndefined(); // the SDE's sampling eps, not known without an SDE
  });

  it.each(SAMPLER_NAMES)('%s: each listed option is checked as its kind says, and only those are accepted', (name) => {
    const spec = samplerOptionSpec(name);
    expect(spec.length).toBeGreaterThan(0);
    for (const o of spec) {
      const bad = o.kind === 'boolean' ? 1 : o.kind === 'choice' ? 'no-such-choice' : o.kind === 'other' ? undefined : 'text';
      if (bad !== undefined) expect(() => createSampler(name, { [o.name]: bad }), `${name}.${o.name} = ${String(bad)}`).toThrow(new RegExp(`${o.name} must be`));
      if (o.kind === 'integer') {
        expect(() => createSampler(name, { [o.name]: (o.min ?? 0) + 0.5 })).toThrow(new RegExp(`${o.name} must be an integer`));
        expect(() => createSampler(name, { [o.name]: o.min ?? 1 })).not.toThrow();
      }
      for (const c of o.choices ?? []) {
        // pc with a corrector needs steps > β_max on VP only at run time; creating it with any choice is valid.
        expect(() => createSampler(name, { [o.name]: c }), `${name}.${o.name} = ${c}`).not.toThrow();
      }
      if (o.default !== undefined && o.kind !== 'other') expect(() => createSampler(name, { [o.name]: o.default })).not.toThrow();
    }
    expect(() => createSampler(name, { notAnOption: 1 })).toThrow(new RegExp(`unknown option 'notAnOption' \\(allowed: ${spec.map((o) => o.name).join(', ')}\\)`));
  });

  it('an unknown sampler throws as createSampler does', () => {
    expect(() => samplerOptionSpec('dpm-solver')).toThrow(/Unknown sampler 'dpm-solver'. Allowed: langevin/);
  });
});
