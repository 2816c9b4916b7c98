import type { Sampler } from './Sampler.js';
import { captureSpec } from './internal/options.js';
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

/** One option of a sampler, as its spec checks it: for forms, help texts and config editors. */
export interface SamplerOptionInfo {
  readonly name: string;
  /** What it allows, in words (as the error for a bad value says it). */
  readonly allowed: string;
  /** What a form can offer: a number field, a choice, a checkbox — or `'other'` (arrays, functions, objects). */
  readonly kind: 'integer' | 'number' | 'choice' | 'boolean' | 'other';
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  /** The default `createSampler(name)` resolves to, where it does not depend on the SDE and is a valid value itself (else absent). */
  readonly default?: unknown;
}

/**
 * The options a registered sampler accepts, from the same spec `createSampler` checks them with, each with its
 * kind and default; an unknown name throws as `createSampler` does.
 *
 * @example
 * samplerOptionSpec('ddim');
 * // [{ name: 'steps', kind: 'integer', min: 1, default: 50, … }, { name: 'eta', kind: 'number', min: 0, default: 0, … }, …]
 */
export function samplerOptionSpec(name: string): readonly SamplerOptionInfo[] {
  let sampler: Sampler | undefined;
  const spec = captureSpec(() => {
    sampler = createSampler(name);
  });
  const defaults = sampler?.options ?? {};
  return Object.entries(spec ?? {}).map(([key, check]) => ({
    name: key,
    allowed: check.allowed,
    kind: check.kind ?? 'other',
    ...(check.min != null ? { min: check.min } : {}),
    ...(check.max != null ? { max: check.max } : {}),
    ...(check.choices != null ? { choices: check.choices } : {}),
    // A default a form could not send back (edm-heun's sTmax = Infinity is outside 'a finite number') is left out.
    ...(defaults[key] !== undefined && check.ok(defaults[key]) ? { default: defaults[key] } : {}),
  }));
}
