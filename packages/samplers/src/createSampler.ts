import { defineRegistry, type OptionSpec, type Registry } from '@scorekit/core';
import type { Sampler } from './Sampler.js';
import { ancestralSampler, ANCESTRAL_OPTION_SPEC } from './samplers/ancestral.js';
import { annealedLangevinSampler, ANNEALED_LANGEVIN_OPTION_SPEC } from './samplers/annealedLangevin.js';
import { ddimSampler, DDIM_OPTION_SPEC } from './samplers/ddim.js';
import { dpmSolverPlusPlusSampler, DPM_SOLVER_PLUS_PLUS_OPTION_SPEC } from './samplers/dpmSolverPlusPlus.js';
import { edmHeunSampler, EDM_HEUN_OPTION_SPEC } from './samplers/edmHeun.js';
import { eulerMaruyamaSampler, EULER_MARUYAMA_OPTION_SPEC } from './samplers/eulerMaruyama.js';
import { langevinSampler, LANGEVIN_OPTION_SPEC } from './samplers/langevin.js';
import { metropolisLangevinSampler, METROPOLIS_LANGEVIN_OPTION_SPEC } from './samplers/metropolisLangevin.js';
import { predictorCorrectorSampler, PREDICTOR_CORRECTOR_OPTION_SPEC } from './samplers/predictorCorrector.js';
import { probabilityFlowOdeSampler, PROBABILITY_FLOW_ODE_OPTION_SPEC } from './samplers/probabilityFlowOde.js';
import { reverseDiffusionSampler, REVERSE_DIFFUSION_OPTION_SPEC } from './samplers/reverseDiffusion.js';

// The factories by name: a new sampler is one file and one line here (and its spec in `SPECS`).
const registry = {
  langevin: langevinSampler,
  mala: metropolisLangevinSampler,
  'annealed-langevin': annealedLangevinSampler,
  'euler-maruyama': eulerMaruyamaSampler,
  'reverse-diffusion': reverseDiffusionSampler,
  ancestral: ancestralSampler,
  pc: predictorCorrectorSampler,
  ode: probabilityFlowOdeSampler,
  ddim: ddimSampler,
  'dpm-solver++': dpmSolverPlusPlusSampler,
  'edm-heun': edmHeunSampler,
} as const;

/** Each registered sampler's name and options. */
export type SamplerOptionsByName = { [K in keyof typeof registry]: NonNullable<Parameters<(typeof registry)[K]>[0]> };

/** The names `createSampler` accepts. */
export type SamplerName = keyof SamplerOptionsByName;

/** Every registered sampler name. */
export const SAMPLER_NAMES = Object.keys(registry) as SamplerName[];

const SPECS: { readonly [K in SamplerName]: OptionSpec<SamplerOptionsByName[K]> } = {
  langevin: LANGEVIN_OPTION_SPEC,
  mala: METROPOLIS_LANGEVIN_OPTION_SPEC,
  'annealed-langevin': ANNEALED_LANGEVIN_OPTION_SPEC,
  'euler-maruyama': EULER_MARUYAMA_OPTION_SPEC,
  'reverse-diffusion': REVERSE_DIFFUSION_OPTION_SPEC,
  ancestral: ANCESTRAL_OPTION_SPEC,
  pc: PREDICTOR_CORRECTOR_OPTION_SPEC,
  ode: PROBABILITY_FLOW_ODE_OPTION_SPEC,
  ddim: DDIM_OPTION_SPEC,
  'dpm-solver++': DPM_SOLVER_PLUS_PLUS_OPTION_SPEC,
  'edm-heun': EDM_HEUN_OPTION_SPEC,
};

/**
 * The samplers as a registry of `@scorekit/core`'s one shape: `names()`, each sampler's option `spec` (the check
 * and allowed values of every option: what the CLI derives its flags and help from), `resolve({ name, ...options })`
 * returning every problem with its field path, and `create({ name, ...options })`.
 *
 * @example
 * samplerRegistry.entry('ddim')!.spec.eta.allowed;           // 'a number ≥ 0'
 * samplerRegistry.resolve({ name: 'ddim', steps: 0, eta: -1 }); // { ok: false, issues: [{ path: 'steps', … }, { path: 'eta', … }] }
 * const s = samplerRegistry.create({ name: 'edm-heun', steps: 18 });
 */
export const samplerRegistry: Registry<Sampler> = defineRegistry<Sampler>(
  'sampler',
  SAMPLER_NAMES.map((name) => ({ name, spec: SPECS[name] as OptionSpec<object>, create: (o: object) => (registry[name] as (o?: object) => Sampler)(o) })),
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
  return (registry as Record<string, (o?: object) => Sampler>)[name]!(options);
}
