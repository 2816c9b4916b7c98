import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNpy } from '@scorekit/core/node';
import { SAMPLER_NAMES, samplerOptionSpec } from '@scorekit/samplers';
import { optionFlag, samplerFromFlags } from '../src/samplerOptions.js';
import { cli } from './cliHarness.js';
import { tempDir } from './helpers.js';

describe('sampler flags derived from the samplers’ option specs', () => {
  let dir: string;
  let mixture: string;
  beforeAll(async () => {
    dir = await tempDir();
    mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [1], means: [[0, 0]], stds: [1] }));
  });

  it('every option of every sampler that text can give has a flag, parsed to what the sampler stores', () => {
    for (const name of SAMPLER_NAMES) {
      for (const o of samplerOptionSpec(name)) {
        if (o.kind === 'function') continue;
        // The flag's camelCase (commander's key) is the option's name.
        expect(optionFlag(o.name).slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())).toBe(o.name);
      }
    }
    const text = { integer: '7', number: '0.25', boolean: 'false', numbers: '1,0.5,0.1', init: 'uniform:-2,3' } as const;
    const parsed = { integer: 7, number: 0.25, boolean: false, numbers: [1, 0.5, 0.1], init: { uniform: [-2, 3] } } as const;
    for (const name of SAMPLER_NAMES) {
      for (const o of samplerOptionSpec(name)) {
        if (o.kind === 'function') continue;
        const raw = o.kind === 'choice' ? o.values![o.values!.length - 1]! : text[o.kind];
        const sampler = samplerFromFlags({ sampler: name, [o.name]: raw });
        expect(sampler.options[o.name], `${name} ${optionFlag(o.name)} ${raw}`).toEqual(o.kind === 'choice' ? raw : parsed[o.kind]);
      }
    }
  });

  it('keeps the old flag names, and --option takes either spelling', () => {
    const pc = samplerFromFlags({ sampler: 'pc', snr: '0.2', correctorSteps: '2', predictor: 'euler-maruyama', steps: '30' });
    expect(pc.options).toMatchObject({ snr: 0.2, correctorSteps: 2, predictor: 'euler-maruyama', steps: 30 });
    const ld = samplerFromFlags({ sampler: 'annealed-langevin', option: ['steps-per-level=3', 'stepSize=1e-4'] });
    expect(ld.options).toMatchObject({ stepsPerLevel: 3, stepSize: 1e-4 });
  });

  it('generated flags reach the sampler through the command line (--init, --t, --step-size, --steps)', async () => {
    const out = nodePath.join(dir, 'langevin.npy');
    // One Langevin step of size 1e-8 from uniform[5, 6]²: the samples stay in that square (moved by ≲ 1e-4), where
    // the default start (the prior) would put them around 0.
    const r = await cli('sample', '--score', `analytic:${mixture}`, '--sampler', 'langevin', '--init', 'uniform:5,6', '--t', '0.01', '--step-size', '1e-8', '--steps', '1', '--n', '20', '--out', out, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const x = (await loadNpy(out)).data as Float32Array;
    for (const v of x) {
      expect(v).toBeGreaterThan(5 - 1e-3);
      expect(v).toBeLessThan(6 + 1e-3);
    }
  });

  it('reports every bad flag at once, each with what is allowed, before anything is read or written', async () => {
    const out = nodePath.join(dir, 'bad.npy');
    const r = await cli('sample', '--score', `analytic:${mixture}`, '--sampler', 'ddim', '--steps', '2.5', '--eta', 'lots', '--snr', '0.1', '--timestep-spacing', 'random', '--option', 'churn=1', '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(2);
    const ddimFlags = '--steps, --eta, --spacing, --eps, --timestep-spacing';
    expect(r.stderr).toContain('Invalid flags:');
    expect(r.stderr).toContain("--steps: must be an integer ≥ 1, got '2.5'");
    expect(r.stderr).toContain("--eta: must be a number ≥ 0, got 'lots'");
    expect(r.stderr).toContain(`--snr: sampler 'ddim' does not take it (its options: ${ddimFlags})`);
    expect(r.stderr).toContain("--timestep-spacing: must be one of 'leading', 'trailing', 'linspace', got 'random'");
    expect(r.stderr).toContain(`--option churn: sampler 'ddim' does not take it (its options: ${ddimFlags})`);
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('`sample --sampler X --help` lists that sampler’s options with allowed values and defaults', async () => {
    const r = await cli('sample', '--sampler', 'edm-heun', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Options of sampler 'edm-heun':");
    for (const o of samplerOptionSpec('edm-heun')) expect(r.stdout).toMatch(new RegExp(`${optionFlag(o.name)} <[^>]+> +${o.allowed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(r.stdout).toMatch(/--rho <x> +a number > 0 \(default 7\) — Karras schedule exponent ρ/);
    // Another sampler's options are not listed, and without --sampler each sampler's flags are.
    expect(r.stdout).not.toContain('--eta');
    const all = await cli('sample', '--help');
    for (const name of SAMPLER_NAMES) expect(all.stdout).toMatch(new RegExp(`^  ${name.replace('+', '\\+')} +--`, 'm'));
  });
});
