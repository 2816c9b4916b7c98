import { describe, expect, it } from 'vitest';
import { SAMPLER_NAMES, createSampler, registerPredictor, samplerOptionSpec } from '../src/index.js';
import { noneStep } from '../src/internal/sdeSteps.js';

// A valid value of each kind, to check that what the spec allows is what createSampler accepts.
const validValue = (kind: string, values?: readonly string[]): unknown =>
  kind === 'integer' ? 3 : kind === 'number' ? 0.5 : kind === 'boolean' ? true : kind === 'choice' ? values![0] : kind === 'numbers' ? [1, 0.5] : kind === 'init' ? 'prior' : () => undefined;

describe('samplerOptionSpec', () => {
  it('is the spec createSampler validates with: the same option names, and every allowed value accepted', () => {
    for (const name of SAMPLER_NAMES) {
      const spec = samplerOptionSpec(name);
      // createSampler lists the options it takes when given an unknown one: they must be the spec's, in order.
      expect(() => createSampler(name, { notAnOption: 1 } as object)).toThrow(`notAnOption is not an option (allowed: ${spec.map((o) => o.name).join(', ')})`);
      for (const option of spec) {
        expect(option.help.length, `${name}.${option.name} help`).toBeGreaterThan(5);
        const value = validValue(option.kind, option.values);
        expect(option.ok(value), `${name}.${option.name} = ${String(value)}`).toBe(true);
        expect(() => createSampler(name, { [option.name]: value } as object)).not.toThrow();
        for (const v of option.values ?? []) expect(() => createSampler(name, { [option.name]: v } as object)).not.toThrow();
        // A value of the wrong type fails both the spec's check and createSampler, with the spec's own words.
        const wrong = option.kind === 'boolean' ? 'yes' : option.kind === 'function' ? 3 : { bad: true };
        expect(option.ok(wrong)).toBe(false);
        expect(() => createSampler(name, { [option.name]: wrong } as object)).toThrow(`${option.name} must be ${option.allowed}`);
      }
    }
  });

  it('gives the SDE-independent defaults and the choice words', () => {
    const ddim = Object.fromEntries(samplerOptionSpec('ddim').map((o) => [o.name, o]));
    expect(ddim.steps!.default).toBe(50);
    expect(ddim.eta!.default).toBe(0);
    expect(ddim.eps!.default).toBeUndefined(); // depends on the SDE
    expect(ddim.timestepSpacing!.values).toEqual(['leading', 'trailing', 'linspace']);
    expect(ddim.steps!.kind).toBe('integer');
  });

  it("follows the PC sampler's registered predictors", () => {
    registerPredictor('spec-test-predictor', () => noneStep);
    const predictor = samplerOptionSpec('pc').find((o) => o.name === 'predictor')!;
    expect(predictor.values).toContain('spec-test-predictor');
    expect(predictor.allowed).toContain("'spec-test-predictor'");
  });

  it('rejects an unknown sampler with the allowed names', () => {
    expect(() => samplerOptionSpec('dpm')).toThrow(`name 'dpm' is not a known sampler (allowed: ${SAMPLER_NAMES.join(', ')})`);
  });
});
