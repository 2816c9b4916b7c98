import type { Command } from 'commander';
import { SAMPLER_NAMES, createSampler } from '@scorekit/samplers';
import type { Sampler } from '@scorekit/samplers';
import { CliError } from './errors.js';

// Sampler settings with a flag of their own; anything else goes through --option key=value.
const SAMPLER_FLAGS = [
  ['steps', '--steps <n>', 'sampler steps'],
  ['snr', '--snr <x>', 'pc: Langevin corrector signal-to-noise ratio'],
  ['eta', '--eta <x>', 'ddim: η (0 deterministic, 1 DDPM-like)'],
  ['eps', '--eps <x>', 'final time (default: the SDE sampling eps)'],
  ['predictor', '--predictor <name>', 'pc: predictor'],
  ['corrector', '--corrector <name>', 'pc: corrector'],
  ['correctorSteps', '--corrector-steps <n>', 'pc: corrector steps per step'],
  ['method', '--method <name>', 'ode: solver (euler, heun, rk4, rk45)'],
  ['spacing', '--spacing <name>', 'time spacing of the steps'],
  ['stepSize', '--step-size <x>', 'langevin / annealed-langevin step size'],
  ['churn', '--churn <x>', 'edm-heun: stochastic churn'],
] as const;

/**
 * Adds `--sampler` and the sampler-option flags (`--steps`, `--snr`, `--eta`, …, and `--option key=value` for the
 * rest) to a command.
 *
 * @example
 * addSamplerFlags(program.command('sample'));
 */
export function addSamplerFlags(command: Command, defaultSampler?: string): Command {
  command.option('--sampler <name>', `sampler: ${SAMPLER_NAMES.join(', ')}`, defaultSampler);
  for (const [, flag, help] of SAMPLER_FLAGS) command.option(flag, help);
  command.option('--option <key=value>', 'any other sampler option (repeatable)', (v: string, prev: string[] = []) => [...prev, v]);
  return command;
}

/**
 * Builds the sampler the flags name, passing only the options that were given; the sampler registry checks them,
 * and an unknown name or option is a `CliError` listing what is allowed. Without `--sampler`, `fallback` (a
 * run's own sampler, `{ name, ...options }`; the flags' options override its) or DPM-Solver++.
 *
 * @example
 * const sampler = samplerFromFlags({ sampler: 'pc', snr: '0.16', steps: '500' });
 */
export function samplerFromFlags(flags: Record<string, unknown>, fallback?: { readonly name: string; readonly [k: string]: unknown }): Sampler {
  const useFallback = flags.sampler == null && fallback != null;
  const name = String(flags.sampler ?? fallback?.name ?? 'dpm-solver++');
  if (!(SAMPLER_NAMES as readonly string[]).includes(name)) {
    throw new CliError(`Unknown --sampler '${name}'. Allowed: ${SAMPLER_NAMES.join(', ')}`);
  }
  const options: Record<string, unknown> = {};
  if (useFallback) {
    for (const [k, v] of Object.entries(fallback)) if (k !== 'name') options[k] = v;
  }
  for (const [key] of SAMPLER_FLAGS) {
    const v = flags[key];
    if (typeof v === 'string') options[key] = parseValue(v);
  }
  for (const kv of (flags.option as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new CliError(`--option must be key=value, got '${kv}'`);
    options[kv.slice(0, eq)] = parseValue(kv.slice(eq + 1));
  }
  try {
    return createSampler(name, options);
  } catch (e) {
    throw new CliError(`Invalid options for sampler '${name}': ${(e as Error).message}`);
  }
}

function parseValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  const n = Number(v);
  if (v.trim() !== '' && Number.isFinite(n)) return n;
  if (v.startsWith('[')) {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}
