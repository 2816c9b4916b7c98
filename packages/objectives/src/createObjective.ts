import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { Denoiser } from '@scorekit/sde';
import type { ObjectiveBatch } from './ObjectiveBatch.js';
import { ObjectiveConfigError } from './ObjectiveConfigError.js';
import type { ScoreFunction } from './ScoreFunction.js';
import {
  CONTINUOUS_DSM_OPTION_NAMES,
  continuousDsmLoss,
  resolveContinuousDsmOptions,
  type ContinuousDsmOptions,
  type ResolvedContinuousDsmOptions,
} from './continuousDsmLoss.js';
import { DDPM_OPTION_NAMES, ddpmLoss, resolveDdpmOptions, type DdpmOptions, type ResolvedDdpmOptions } from './ddpmLoss.js';
import { DSM_OPTION_NAMES, dsmLoss, resolveDsmOptions, type DsmOptions, type ResolvedDsmOptions } from './dsmLoss.js';
import { EDM_OPTION_NAMES, edmLoss, resolveEdmOptions, type EdmOptions, type ResolvedEdmOptions } from './edmLoss.js';
import {
  EXACT_SCORE_MATCHING_OPTION_NAMES,
  exactScoreMatchingLoss,
  resolveExactScoreMatchingOptions,
  type ExactScoreMatchingOptions,
  type ResolvedExactScoreMatchingOptions,
} from './exactScoreMatchingLoss.js';
import { NCSN_OPTION_NAMES, ncsnLoss, resolveNcsnOptions, type NcsnOptions, type ResolvedNcsnOptions } from './ncsnLoss.js';
import {
  SLICED_SCORE_MATCHING_OPTION_NAMES,
  resolveSlicedScoreMatchingOptions,
  slicedScoreMatchingLoss,
  type ResolvedSlicedScoreMatchingOptions,
  type SlicedScoreMatchingOptions,
} from './slicedScoreMatchingLoss.js';
import { show } from './internal/Problems.js';

/** The names objectives are registered under (configs and the CLI use these). */
export type ObjectiveName = 'exact-sm' | 'sliced-sm' | 'dsm' | 'ncsn' | 'ddpm' | 'continuous-dsm' | 'edm';

type Config<N extends ObjectiveName, O> = { readonly name: N } & Omit<O, 'training'>;

/** An objective named with its options: what configs hold. */
export type ObjectiveConfig =
  | Config<'exact-sm', ExactScoreMatchingOptions>
  | Config<'sliced-sm', SlicedScoreMatchingOptions>
  | Config<'dsm', DsmOptions>
  | Config<'ncsn', NcsnOptions>
  | Config<'ddpm', DdpmOptions>
  | Config<'continuous-dsm', ContinuousDsmOptions>
  | Config<'edm', EdmOptions>;

/** Call-time options of {@link Objective.loss} (not part of a config). */
export interface ObjectiveCallOptions {
  /** Passed to the model, default true; false for evaluation losses. */
  readonly training?: boolean;
}

interface ObjectiveOf<N extends ObjectiveName, R, M> {
  readonly name: N;
  /** The resolved options, every default filled in (JSON-serialisable, for logs and checkpoints). */
  readonly options: R;
  /** The scalar loss of one batch, averaged over it. */
  loss(model: M, batch: ObjectiveBatch, rng: Rng, call?: ObjectiveCallOptions): tf.Scalar;
}

/** The configured objective of each name: its resolved options and the model its `loss` takes. */
export interface ObjectiveByName {
  'exact-sm': { readonly requires: 'score' } & ObjectiveOf<'exact-sm', ResolvedExactScoreMatchingOptions, ScoreFunction>;
  'sliced-sm': { readonly requires: 'score' } & ObjectiveOf<'sliced-sm', ResolvedSlicedScoreMatchingOptions, ScoreFunction>;
  dsm: { readonly requires: 'score' } & ObjectiveOf<'dsm', ResolvedDsmOptions, ScoreFunction>;
  ncsn: { readonly requires: 'denoiser' } & ObjectiveOf<'ncsn', ResolvedNcsnOptions, Denoiser>;
  ddpm: { readonly requires: 'denoiser' } & ObjectiveOf<'ddpm', ResolvedDdpmOptions, Denoiser>;
  'continuous-dsm': { readonly requires: 'denoiser' } & ObjectiveOf<'continuous-dsm', ResolvedContinuousDsmOptions, Denoiser>;
  edm: { readonly requires: 'denoiser' } & ObjectiveOf<'edm', ResolvedEdmOptions, Denoiser>;
}

/** An objective that trains a noise-free score function s(x). */
export type ScoreObjective = ObjectiveByName['exact-sm' | 'sliced-sm' | 'dsm'];

/** An objective that trains a time-conditioned {@link Denoiser}. */
export type DenoiserObjective = ObjectiveByName['ncsn' | 'ddpm' | 'continuous-dsm' | 'edm'];

/** A configured objective; `requires` says which kind of model its `loss` takes (narrow on it). */
export type Objective = ScoreObjective | DenoiserObjective;

interface Entry {
  readonly requires: 'score' | 'denoiser';
  readonly options: readonly string[];
  readonly resolve: (options: Record<string, unknown>) => object;
  readonly loss: (model: never, batch: ObjectiveBatch, rng: Rng, options: never) => tf.Scalar;
}

const registry: Record<ObjectiveName, Entry> = {
  'exact-sm': {
    requires: 'score',
    options: EXACT_SCORE_MATCHING_OPTION_NAMES,
    resolve: resolveExactScoreMatchingOptions,
    loss: exactScoreMatchingLoss,
  },
  'sliced-sm': {
    requires: 'score',
    options: SLICED_SCORE_MATCHING_OPTION_NAMES,
    resolve: resolveSlicedScoreMatchingOptions,
    loss: slicedScoreMatchingLoss,
  },
  dsm: { requires: 'score', options: DSM_OPTION_NAMES, resolve: resolveDsmOptions, loss: dsmLoss },
  ncsn: { requires: 'denoiser', options: NCSN_OPTION_NAMES, resolve: resolveNcsnOptions, loss: ncsnLoss },
  ddpm: { requires: 'denoiser', options: DDPM_OPTION_NAMES, resolve: resolveDdpmOptions, loss: ddpmLoss },
  'continuous-dsm': {
    requires: 'denoiser',
    options: CONTINUOUS_DSM_OPTION_NAMES,
    resolve: resolveContinuousDsmOptions,
    loss: continuousDsmLoss,
  },
  edm: { requires: 'denoiser', options: EDM_OPTION_NAMES, resolve: resolveEdmOptions, loss: edmLoss },
};

/** The names {@link createObjective} accepts. */
export const OBJECTIVE_NAMES = Object.keys(registry) as ObjectiveName[];

/**
 * The option names each objective accepts (for help texts and config editors).
 *
 * @example
 * objectiveOptionNames('edm'); // ['pMean', 'pStd', 'sigmaData', 'reduce']
 */
export function objectiveOptionNames(name: ObjectiveName): readonly string[] {
  const entry = typeof name === 'string' && Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!entry) throw unknownName(name);
  return entry.options;
}

/**
 * Builds an objective from its name and options. An unknown name, unknown options or invalid values throw one
 * {@link ObjectiveConfigError} listing every problem and what is allowed. `loss(model, batch, rng)` then calls the
 * objective's pure function with the resolved options; `requires` tells the caller whether to hand it a
 * {@link ScoreFunction} or a {@link Denoiser}.
 *
 * @example
 * const objective = createObjective({ name: 'continuous-dsm', weighting: 'likelihood', importanceSampling: true });
 * if (objective.requires === 'denoiser') {
 *   const loss = optimizer.minimize(() => objective.loss(model, batch, rng), true);
 * }
 */
export function createObjective<C extends ObjectiveConfig>(config: C): ObjectiveByName[C['name']];
export function createObjective(config: { readonly name: string }): Objective;
export function createObjective(config: ObjectiveConfig | { readonly name: string }): Objective {
  if (config == null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ObjectiveConfigError('objective', [`config must be an object { name, ...options }, got ${show(config)}`]);
  }
  const { name, ...options } = config as { name?: unknown };
  const entry = typeof name === 'string' && Object.hasOwn(registry, name) ? registry[name as ObjectiveName] : undefined;
  if (!entry) throw unknownName(name);
  const resolved = Object.freeze(entry.resolve(options));
  const loss = entry.loss as (model: unknown, batch: ObjectiveBatch, rng: Rng, options: object) => tf.Scalar;
  return {
    name,
    requires: entry.requires,
    options: resolved,
    loss: (model: unknown, batch: ObjectiveBatch, rng: Rng, call: ObjectiveCallOptions = {}) =>
      loss(model, batch, rng, { ...resolved, training: call.training }),
  } as Objective;
}

function unknownName(name: unknown): ObjectiveConfigError {
  const allowed = `one of ${OBJECTIVE_NAMES.map((k) => `'${k}'`).join(', ')}`;
  return new ObjectiveConfigError('objective', [{ path: 'name', problem: `must be ${allowed}, got ${show(name)}`, allowed }]);
}
