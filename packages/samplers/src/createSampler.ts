import type { Sampler } from './Sampler.js';
import { ancestralSampler, type AncestralOptions } from './samplers/ancestral.js';
import { annealedLangevinSampler, type AnnealedLangevinOptions } from './samplers/annealedLangevin.js';
import { ddimSampler, type DdimOptions } from './samplers/ddim.js';
import { dpmSolverPlusPlusSampler, type DpmSolverPlusPlusOptions } from './samplers/dpmSolverPlusPlus.js';
import { edmHeunSampler, type EdmHeunOptions } from './samplers/edmHeun.js';
import { eulerMaruyamaSampler, type EulerMaruyamaOptions } from './samplers/eulerMaruyama.js';
import { langevinSampler, type LangevinOptions } from './samplers/langevin.js';
import { metropolisLangevinSampler, type MetropolisLangevinOptions } from './samplers/metropolisLangevin.js';
import { predictorCorrectorSampler, type PredictorCorrectorOptions } from './samplers/predictorCorrector.js';
import { probabilityFlowOdeSampler, type ProbabilityFlowOdeOptions } from './samplers/probabilityFlowOde.js';
import { reverseDiffusionSampler, type ReverseDiffusionOptions } from './samplers/reverseDiffusion.js';

/** Each registered sampler's name and options. */
export interface SamplerOptionsByName {
  langevin: LangevinOptions;
  mala: MetropolisLangevinOptions;
  'annealed-langevin': AnnealedLangevinOptions;
  'euler-maruyama': EulerMaruyamaOptions;
  'reverse-diffusion': ReverseDiffusionOptions;
  ancestral: AncestralOptions;
  pc: PredictorCorrectorOptions;
  ode: ProbabilityFlowOdeOptions;
  ddim: DdimOptions;
  'dpm-solver++': DpmSolverPlusPlusOptions;
  'edm-heun': EdmHeunOptions;
}

/** The names `createSampler` accepts. */
export type SamplerName = keyof SamplerOptionsByName;

const registry: { readonly [K in SamplerName]: (options?: SamplerOptionsByName[K]) => Sampler } = {
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
};

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
