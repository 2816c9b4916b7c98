import { defineRegistry, type Registry } from '@scorekit/core';
import type { Sampler } from './Sampler.js';
import type { OptionSpecEntry } from './internal/options.js';
import { ANCESTRAL_OPTION_SPEC, ancestralSampler } from './samplers/ancestral.js';
import { ANNEALED_LANGEVIN_OPTION_SPEC, annealedLangevinSampler } from './samplers/annealedLangevin.js';
import { DDIM_OPTION_SPEC, ddimSampler } from './samplers/ddim.js';
import { DPM_SOLVER_PLUS_PLUS_OPTION_SPEC, dpmSolverPlusPlusSampler } from './samplers/dpmSolverPlusPlus.js';
import { EDM_HEUN_OPTION_SPEC, edmHeunSampler } from './samplers/edmHeun.js';
import { EULER_MARUYAMA_OPTION_SPEC, eulerMaruyamaSampler } from './samplers/eulerMaruyama.js';
import { LANGEVIN_OPTION_SPEC, langevinSampler } from './samplers/langevin.js';
import { METROPOLIS_LANGEVIN_OPTION_SPEC, metropolisLangevinSampler } from './samplers/metropolisLangevin.js';
import { PREDICTOR_CORRECTOR_OPTION_SPEC, predictorCorrectorSampler } from './samplers/predictorCorrector.js';
import { PROBABILITY_FLOW_ODE_OPTION_SPEC, probabilityFlowOdeSampler } from './samplers/probabilityFlowOde.js';
import { REVERSE_DIFFUSION_OPTION_SPEC, reverseDiffusionSampler } from './samplers/reverseDiffusion.js';

// The registry: a new sampler is one file and one line here (its factory and its option spec).
const registry = {
  langevin: { create: langevinSampler, spec: LANGEVIN_OPTION_SPEC },
  mala: { create: metropolisLangevinSampler, spec: METROPOLIS_LANGEVIN_OPTION_SPEC },
  'annealed-langevin': { create: annealedLangevinSampler, spec: ANNEALED_LANGEVIN_OPTION_SPEC },
  'euler-maruyama': { create: eulerMaruyamaSampler, spec: EULER_MARUYAMA_OPTION_SPEC },
  'reverse-diffusion': { create: reverseDiffusionSampler, spec: REVERSE_DIFFUSION_OPTION_SPEC },
  ancestral: { create: ancestralSampler, spec: ANCESTRAL_OPTION_SPEC },
  pc: { create: predictorCorrectorSampler, spec: PREDICTOR_CORRECTOR_OPTION_SPEC },
  ode: { create: probabilityFlowOdeSampler, spec: PROBABILITY_FLOW_ODE_OPTION_SPEC },
  ddim: { create: ddimSampler, spec: DDIM_OPTION_SPEC },
  'dpm-solver++': { create: dpmSolverPlusPlusSampler, spec: DPM_SOLVER_PLUS_PLUS_OPTION_SPEC },
  'edm-heun': { create: edmHeunSampler, spec: EDM_HEUN_OPTION_SPEC },
} as const;

/** Each registered sampler's name and options. */
export type SamplerOptionsByName = { [K in keyof typeof registry]: NonNullable<Parameters<(typeof registry)[K]['create']>[0]> };

/** The names `createSampler` accepts. */
export type SamplerName = keyof SamplerOptionsByName;

/** Every registered sampler name. */
export const SAMPLER_NAMES = Object.keys(registry) as SamplerName[];

/**
 * The samplers as a registry of `@scorekit/core`'s one shape: `names()`, each sampler's option spec
 * (`entry(name).spec`: check, allowed words, kind and help of every option — {@link samplerOptionSpec} adds the
 * defaults), `resolve({ name, ...options })` returning every problem with its field path without building
 * anything, and `create({ name, ...options })`.
 *
 * @example
 * samplerRegistry.resolve({ name: 'ddim', steps: 0, eta: -1 }); // { ok: false, issues: [{ path: 'steps', … }, { path: 'eta', … }] }
 * const s = samplerRegistry.create({ name: 'edm-heun', steps: 18 });
 */
export const samplerRegistry: Registry<Sampler> = defineRegistry<Sampler>(
  'sampler',
  SAMPLER_NAMES.map((name) => ({ name, spec: registry[name].spec as object, create: (o: object) => (registry[name].create as (o?: object) => Sampler)(o) })),
);

/**
 * Builds a sampler by its registered name (what configs and the CLI hold). Unknown names and unknown or invalid
 * options throw one `ConfigError` (`@scorekit/core`) naming every problem and what is allowed.
 *
 * @example
 * const sampler = createSampler('dpm-solver++', { steps: 20, spacing: 'logSNR' });
 * createSampler('dpm-solver');  // ConfigError: name 'dpm-solver' is not a known sampler (allowed: langevin, mala, …)
 */
export function createSampler<K extends SamplerName>(name: K, options?: SamplerOptionsByName[K]): Sampler;
export function createSampler(name: string, options?: object): Sampler;
export function createSampler(name: string, options: object = {}): Sampler {
  if (typeof name !== 'string' || !Object.hasOwn(registry, name)) return samplerRegistry.create({ name });
  // The sampler's own factory checks its options (every problem at once), so direct factory calls are checked too.
  return (registry as Record<string, { create: (o?: object) => Sampler }>)[name]!.create(options);
}

/** One option of a registered sampler, as configs and the command line see it. */
export interface SamplerOptionInfo extends OptionSpecEntry {
  /** The option's key in `createSampler`'s options (camelCase). */
  readonly name: string;
  /** Its default where it does not depend on the SDE (from the sampler's resolved options). */
  readonly default?: unknown;
}

/**
 * The option spec of a registered sampler: each option's name, what it allows (`allowed`, `kind`, the `values` of
 * a choice), a one-line `help`, its SDE-independent default and its check `ok(value)` — the same spec
 * `createSampler` validates with, so a CLI or form built from it accepts exactly what the sampler does. Unknown
 * names throw the registry's error.
 *
 * @example
 * samplerOptionSpec('ddim').map((o) => o.name); // ['steps', 'eta', 'spacing', 'eps', 'timestepSpacing']
 */
export function samplerOptionSpec(name: string): readonly SamplerOptionInfo[] {
  const entry = (registry as Record<string, { create: (o?: object) => Sampler; spec: Record<string, OptionSpecEntry> } | undefined>)[name];
  if (typeof name !== 'string' || !Object.hasOwn(registry, name) || !entry) return samplerRegistry.create({ name }) as never;
  const defaults = entry.create().options;
  return Object.entries(entry.spec).map(([key, check]) => {
    const d = defaults[key];
    return { ...check, name: key, ...(d !== undefined && typeof d !== 'function' ? { default: d } : {}) };
  });
}
