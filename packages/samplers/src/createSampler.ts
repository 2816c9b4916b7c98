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
 * Builds a sampler by its registered name (what configs and the CLI hold). Unknown names throw an error listing
 * the allowed ones; unknown or invalid options throw one error naming every bad field and what it allows.
 *
 * @example
 * const sampler = createSampler('dpm-solver++', { steps: 20, spacing: 'logSNR' });
 * createSampler('dpm-solver');  // Error: Unknown sampler 'dpm-solver'. Allowed: langevin, mala, …
 */
export function createSampler<K extends SamplerName>(name: K, options?: SamplerOptionsByName[K]): Sampler;
export function createSampler(name: string, options?: object): Sampler;
export function createSampler(name: string, options: object = {}): Sampler {
  const make = (registry as Record<string, { create: (o?: object) => Sampler } | undefined>)[name]?.create;
  if (typeof name !== 'string' || !Object.hasOwn(registry, name) || !make) {
    throw new Error(`Unknown sampler '${String(name)}'. Allowed: ${SAMPLER_NAMES.join(', ')}`);
  }
  return make(options);
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
  if (typeof name !== 'string' || !Object.hasOwn(registry, name) || !entry) {
    throw new Error(`Unknown sampler '${String(name)}'. Allowed: ${SAMPLER_NAMES.join(', ')}`);
  }
  const defaults = entry.create().options;
  return Object.entries(entry.spec).map(([key, check]) => {
    const d = defaults[key];
    return { ...check, name: key, ...(d !== undefined && typeof d !== 'function' ? { default: d } : {}) };
  });
}
