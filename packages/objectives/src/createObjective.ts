import type * as tf from '@tensorflow/tfjs-core';
import { defineRegistry, optionChecks, resolutionOf, type OptionSpec, type Registry, type Rng } from '@scorekit/core';
import type { Denoiser } from '@scorekit/sde';
import type { ObjectiveBatch } from './ObjectiveBatch.js';
import { ObjectiveConfigError } from './ObjectiveConfigError.js';
import type { ScoreFunction } from './ScoreFunction.js';
import {
  continuousDsmLoss,
  resolveContinuousDsmOptions,
  type ContinuousDsmOptions,
  type ResolvedContinuousDsmOptions,
} from './continuousDsmLoss.js';
import { ddpmLoss, resolveDdpmOptions, type DdpmOptions, type ResolvedDdpmOptions } from './ddpmLoss.js';
import { dsmLoss, resolveDsmOptions, type DsmOptions, type ResolvedDsmOptions } from './dsmLoss.js';
import { edmLoss, resolveEdmOptions, type EdmOptions, type ResolvedEdmOptions } from './edmLoss.js';
import {
  exactScoreMatchingLoss,
  resolveExactScoreMatchingOptions,
  type ExactScoreMatchingOptions,
  type ResolvedExactScoreMatchingOptions,
} from './exactScoreMatchingLoss.js';
import { ncsnLoss, resolveNcsnOptions, type NcsnOptions, type ResolvedNcsnOptions } from './ncsnLoss.js';
import {
  resolveSlicedScoreMatchingOptions,
  slicedScoreMatchingLoss,
  type ResolvedSlicedScoreMatchingOptions,
  type SlicedScoreMatchingOptions,
} from './slicedScoreMatchingLoss.js';
import { show } from './internal/Problems.js';
import { LOSS_WEIGHTINGS } from './LossWeighting.js';
import { REDUCTIONS } from './Reduction.js';
import { PROJECTION_KINDS } from './sampleProjections.js';

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

interface Entry<N extends ObjectiveName = ObjectiveName> {
  readonly name: N;
  readonly requires: 'score' | 'denoiser';
  readonly spec: OptionSpec<Record<string, unknown>>;
  readonly resolve: (options: Record<string, unknown>) => object;
  readonly loss: (model: never, batch: ObjectiveBatch, rng: Rng, options: never) => tf.Scalar;
}

const { positive, boolean, anyNumber, integerAtLeast, oneOf, openInterval } = optionChecks;
const reduce = oneOf(...REDUCTIONS);
const positiveNumbers = {
  allowed: 'a non-empty array of numbers > 0',
  ok: (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'number' && Number.isFinite(e) && e > 0),
};

// Each objective's option spec (the words of what is allowed, for help and editors) beside the resolver that
// checks a config against it, every problem at once, and fills in the defaults.
const entries: readonly Entry[] = [
  { name: 'exact-sm', requires: 'score', spec: {}, resolve: resolveExactScoreMatchingOptions, loss: exactScoreMatchingLoss },
  {
    name: 'sliced-sm',
    requires: 'score',
    spec: { projection: oneOf(...PROJECTION_KINDS), varianceReduced: boolean, projections: integerAtLeast(1, 4096) },
    resolve: resolveSlicedScoreMatchingOptions,
    loss: slicedScoreMatchingLoss,
  },
  { name: 'dsm', requires: 'score', spec: { sigma: positive, reduce }, resolve: resolveDsmOptions, loss: dsmLoss },
  {
    name: 'ncsn',
    requires: 'denoiser',
    spec: { sigmas: positiveNumbers, sigmaBegin: positive, sigmaEnd: positive, levels: integerAtLeast(2, 100000), reduce },
    resolve: resolveNcsnOptions,
    loss: ncsnLoss,
  },
  { name: 'ddpm', requires: 'denoiser', spec: { reduce }, resolve: resolveDdpmOptions, loss: ddpmLoss },
  {
    name: 'continuous-dsm',
    requires: 'denoiser',
    spec: { weighting: oneOf(...LOSS_WEIGHTINGS), eps: openInterval(0, 1), importanceSampling: boolean, reduce },
    resolve: resolveContinuousDsmOptions,
    loss: continuousDsmLoss,
  },
  { name: 'edm', requires: 'denoiser', spec: { pMean: anyNumber, pStd: positive, sigmaData: positive, reduce }, resolve: resolveEdmOptions, loss: edmLoss },
];

function build(entry: Entry, resolved: object): Objective {
  const loss = entry.loss as (model: unknown, batch: ObjectiveBatch, rng: Rng, options: object) => tf.Scalar;
  return {
    name: entry.name,
    requires: entry.requires,
    options: resolved,
    loss: (model: unknown, batch: ObjectiveBatch, rng: Rng, call: ObjectiveCallOptions = {}) =>
      loss(model, batch, rng, { ...resolved, training: call.training }),
  } as Objective;
}

/**
 * The objectives as a registry of `@scorekit/core`'s one shape: `names()`, each objective's option `spec`,
 * `resolve({ name, ...options })` returning every problem with its field path and the allowed values (or the
 * options with every default filled in), and `create`.
 *
 * @example
 * objectiveRegistry.resolve({ name: 'edm', pStd: -1, sigmaData: 0, tpyo: 1 }); // { ok: false, issues: [3 issues, paths 'edm.…'] }
 * objectiveRegistry.entry('dsm')?.spec.sigma.allowed; // 'a number > 0'
 */
export const objectiveRegistry: Registry<Objective> = defineRegistry<Objective>(
  'objective',
  entries.map((e) => ({
    name: e.name,
    spec: e.spec,
    resolve: (options: Record<string, unknown>) => resolutionOf(() => Object.freeze(e.resolve(options))),
    create: (resolved: object) => build(e, resolved),
  })),
);

/** The names {@link createObjective} accepts. */
export const OBJECTIVE_NAMES = objectiveRegistry.names() as ObjectiveName[];

/**
 * The option names each objective accepts (for help texts and config editors).
 *
 * @example
 * objectiveOptionNames('edm'); // ['pMean', 'pStd', 'sigmaData', 'reduce']
 */
export function objectiveOptionNames(name: ObjectiveName): readonly string[] {
  const entry = typeof name === 'string' ? objectiveRegistry.entry(name) : undefined;
  if (!entry) throw unknownName(name);
  return Object.keys(entry.spec);
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
  const name = (config as { name?: unknown }).name;
  if (typeof name !== 'string' || !objectiveRegistry.entry(name)) throw unknownName(name);
  const r = objectiveRegistry.resolve(config);
  if (!r.ok) throw new ObjectiveConfigError(name, r.issues);
  return objectiveRegistry.entry(name)!.create(r.value.options);
}

function unknownName(name: unknown): ObjectiveConfigError {
  const allowed = `one of ${OBJECTIVE_NAMES.map((k) => `'${k}'`).join(', ')}`;
  return new ObjectiveConfigError('objective', [{ path: 'name', problem: `must be ${allowed}, got ${show(name)}`, allowed }]);
}
