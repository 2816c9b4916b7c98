import type { Sampler } from './Sampler.js';
import { ancestralSampler } from './samplers/ancestral.js';
import { annealedLangevinSampler } from './samplers/annealedLangevin.js';
import { ddimSampler } from './samplers/ddim.js';
import { dpmSolverPlusPlusSampler } from './samplers/dpmSolverPlusPlus.js';
import { edmHeunSampler } from './samplers/edmHeun.js';
import { eulerMaruyamaSampler } from './samplers/eulerMaruyama.js';
import { langevinSampler } from './samplers/langevin.js';
import { metropolisLangevinSampler } from './samplers/metropolisLangevin.js';
import { predictorCorrectorSampler } from './samplers/predictorCorrector.js';
import { probabilityFlowOdeSampler } from './samplers/probabilityFlowOde.js';
import { reverseDiffusionSampler } from './samplers/reverseDiffusion.js';

// The registry: a new sampler is one file and one line here.
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
  const make = (registry as Record<string, ((o?: object) => Sampler) | undefined>)[name];
  if (typeof name !== 'string' || !Object.hasOwn(registry, name) || !make) {
    throw new Error(`Unknown sampler '${String(name)}'. Allowed: ${SAMPLER_NAMES.join(', ')}`);
  }
  return make(options);
}
