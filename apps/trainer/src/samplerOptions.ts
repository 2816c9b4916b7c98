import { Option } from 'commander';
import type { Command } from 'commander';
import { SAMPLER_NAMES, createSampler, samplerOptionSpec } from '@scorekit/samplers';
import type { Sampler, SamplerOptionInfo } from '@scorekit/samplers';
import { CliError } from './errors.js';
import type { ConfigProblem } from './errors.js';

/** `stepSize` → `step-size`: the flag of a sampler option. */
export function optionFlag(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

// Every option of every registered sampler, read from the samplers' own option specs: the flags are generated, so
// a new sampler option is a new flag without an edit here. Options only code can give (functions) get none.
interface FlagEntry {
  readonly name: string;
  readonly samplers: readonly string[];
}

function samplerFlagEntries(): FlagEntry[] {
  const byName = new Map<string, string[]>();
  for (const sampler of SAMPLER_NAMES) {
    for (const o of samplerOptionSpec(sampler)) {
      if (o.kind === 'function') continue;
      byName.set(o.name, [...(byName.get(o.name) ?? []), sampler]);
    }
  }
  return [...byName].map(([name, samplers]) => ({ name, samplers }));
}

const VALUE_WORD: Record<SamplerOptionInfo['kind'], string> = {
  integer: '<n>',
  number: '<x>',
  boolean: '<true|false>',
  choice: '<name>',
  numbers: '<x,y,…>',
  init: '<prior|uniform:lo,hi>',
  function: '<code>',
};

/**
 * Adds `--sampler` and one flag per sampler option (`--steps`, `--snr`, `--eta`, `--corrector-steps`, …: every
 * option of every registered sampler's option spec, in kebab case), plus `--option key=value`. The flags are
 * hidden from the command's help, which instead lists the options of the sampler named by `--sampler`
 * (`scorekit sample --sampler ddim --help`), or every sampler's flags without it.
 *
 * @example
 * addSamplerFlags(program.command('sample'));
 */
export function addSamplerFlags(command: Command, defaultSampler?: string): Command {
  command.option('--sampler <name>', `sampler: ${SAMPLER_NAMES.join(', ')} (its options: --sampler <name> --help)`, defaultSampler);
  for (const entry of samplerFlagEntries()) {
    const kind = samplerOptionSpec(entry.samplers[0]!).find((o) => o.name === entry.name)!.kind;
    command.addOption(new Option(`${optionFlag(entry.name)} ${VALUE_WORD[kind]}`, `sampler option of ${entry.samplers.join(', ')}`).hideHelp());
  }
  command.option('--option <key=value>', 'any sampler option by its name (repeatable)', (v: string, prev: string[] = []) => [...prev, v]);
  command.addHelpText('after', () => samplerHelp(command.opts<{ sampler?: string }>().sampler));
  return command;
}

/**
 * The help for sampler options: for a named sampler, each of its flags with what it allows, its default and a
 * one-line description; without one, each sampler's flags.
 *
 * @example
 * samplerHelp('ddim'); // "Options of sampler 'ddim': --steps <n> an integer ≥ 1 (default 50) — number of steps …"
 */
export function samplerHelp(sampler: string | undefined): string {
  if (sampler == null || !(SAMPLER_NAMES as readonly string[]).includes(sampler)) {
    const lines = SAMPLER_NAMES.map((name) => `  ${name.padEnd(18)} ${samplerOptionSpec(name).filter((o) => o.kind !== 'function').map((o) => optionFlag(o.name)).join(' ')}`);
    const unknown = sampler != null ? `\nUnknown --sampler '${sampler}'. Allowed: ${SAMPLER_NAMES.join(', ')}\n` : '';
    return `${unknown}\nSampler options (run with --sampler <name> --help for one sampler's options, allowed values and defaults):\n${lines.join('\n')}\n`;
  }
  const rows = samplerOptionSpec(sampler)
    .filter((o) => o.kind !== 'function')
    .map((o) => {
      const flag = `${optionFlag(o.name)} ${VALUE_WORD[o.kind]}`;
      const dflt = o.default !== undefined ? ` (default ${JSON.stringify(o.default)})` : '';
      return `  ${flag.padEnd(34)} ${o.allowed}${dflt} — ${o.help}`;
    });
  return `\nOptions of sampler '${sampler}':\n${rows.join('\n')}\n`;
}

/**
 * Builds the sampler the flags name, passing only the options that were given, each parsed by the sampler's option
 * spec. Every flag the sampler does not take and every bad value is reported at once in one `CliError` naming what
 * is allowed (see {@link samplerFlagProblems}). Without `--sampler`, `fallback` (a run's own sampler,
 * `{ name, ...options }`; the flags' options override its) or DPM-Solver++.
 *
 * @example
 * const sampler = samplerFromFlags({ sampler: 'pc', snr: '0.16', steps: '500' });
 */
export function samplerFromFlags(flags: Record<string, unknown>, fallback?: { readonly name: string; readonly [k: string]: unknown }): Sampler {
  const checked = checkSamplerFlags(flags, fallback);
  if (checked.sampler == null) throw CliError.fromProblems(checked.unknown ? 'Invalid flags' : `Invalid options for sampler '${checked.name}'`, checked.problems);
  return checked.sampler;
}

/**
 * Every problem of the sampler flags (`--sampler`, the generated option flags, `--option key=value`), found without
 * IO: an unknown sampler, a flag the sampler does not take, a value it does not allow, or options the sampler refuses
 * together. Empty when {@link samplerFromFlags} would succeed with the same arguments.
 *
 * @example
 * samplerFlagProblems({ sampler: 'ddim', steps: '-1' }); // [{ field: '--steps', message: "must be an integer ≥ 1, got '-1'" }]
 */
export function samplerFlagProblems(flags: Record<string, unknown>, fallback?: { readonly name: string; readonly [k: string]: unknown }): ConfigProblem[] {
  return checkSamplerFlags(flags, fallback).problems;
}

interface CheckedSampler {
  readonly name: string;
  readonly problems: ConfigProblem[];
  /** Whether the sampler's name itself is unknown (its options are then not checked). */
  readonly unknown: boolean;
  readonly sampler?: Sampler;
}

function checkSamplerFlags(flags: Record<string, unknown>, fallback?: { readonly name: string; readonly [k: string]: unknown }): CheckedSampler {
  const useFallback = flags.sampler == null && fallback != null;
  const name = String(flags.sampler ?? fallback?.name ?? 'dpm-solver++');
  if (!(SAMPLER_NAMES as readonly string[]).includes(name)) {
    return { name, unknown: true, problems: [{ field: '--sampler', message: `unknown sampler '${name}'`, allowed: SAMPLER_NAMES }] };
  }
  const spec = samplerOptionSpec(name);
  const takes = spec.filter((o) => o.kind !== 'function').map((o) => optionFlag(o.name));
  const options: Record<string, unknown> = {};
  if (useFallback) {
    for (const [k, v] of Object.entries(fallback)) if (k !== 'name') options[k] = v;
  }
  const problems: ConfigProblem[] = [];
  const given: [string, string, string][] = [];
  for (const { name: key } of samplerFlagEntries()) {
    const v = flags[key];
    if (typeof v === 'string') given.push([key, optionFlag(key), v]);
  }
  for (const kv of (flags.option as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) {
      problems.push({ field: '--option', message: `must be key=value, got '${kv}'` });
      continue;
    }
    // Either spelling: --option stepSize=0.1 or --option step-size=0.1.
    const key = kv.slice(0, eq).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    given.push([key, `--option ${kv.slice(0, eq)}`, kv.slice(eq + 1)]);
  }
  for (const [key, flag, raw] of given) {
    const option = spec.find((o) => o.name === key);
    if (option == null || option.kind === 'function') {
      problems.push({ field: flag, message: `sampler '${name}' does not take it (its options: ${takes.join(', ')})` });
      continue;
    }
    const value = parseByKind(option, raw);
    if (value === undefined || !option.ok(value)) problems.push({ field: flag, message: `must be ${option.allowed}, got '${raw}'` });
    else options[key] = value;
  }
  if (problems.length > 0) return { name, unknown: false, problems };
  try {
    return { name, unknown: false, problems, sampler: createSampler(name, options) };
  } catch (e) {
    return { name, unknown: false, problems: [{ field: '--sampler', message: `invalid options for sampler '${name}': ${(e as Error).message}` }] };
  }
}

// Text to a value of the option's kind; undefined when it cannot be one (the caller reports what is allowed).
function parseByKind(option: SamplerOptionInfo, raw: string): unknown {
  const number = (s: string): number | undefined => {
    const t = s.trim();
    if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    const n = Number(t);
    return t !== '' && !Number.isNaN(n) ? n : undefined;
  };
  switch (option.kind) {
    case 'integer':
    case 'number':
      return number(raw);
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'choice':
      return raw;
    case 'numbers': {
      const parts = raw.replace(/^\[|\]$/g, '').split(',').map(number);
      return parts.every((p) => p !== undefined) ? parts : undefined;
    }
    case 'init': {
      if (raw === 'prior') return raw;
      const m = /^uniform:(.+),(.+)$/.exec(raw);
      if (m != null) return { uniform: [number(m[1]!), number(m[2]!)] };
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return undefined;
      }
    }
    default:
      return undefined;
  }
}
