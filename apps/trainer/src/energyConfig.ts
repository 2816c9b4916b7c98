import * as E from 'fp-ts/lib/Either.js';
import * as RA from 'fp-ts/lib/ReadonlyArray.js';
import { pipe } from 'fp-ts/lib/function.js';
import { withVariantName } from '@scorekit/core';
import { TOY_DATASET_NAMES } from '@scorekit/data';
import type { ConfigProblem } from './errors.js';
import { resolveNetworkConfig } from '@scorekit/models';
import { IMAGE_DATASET_NAMES, fromError, show } from './config.js';
import { seedProblem } from './seeds.js';

/** The energy-based models `scorekit train` trains besides score models (a config's `name`; `kind` before). */
export const ENERGY_KINDS = ['rbm', 'hopfield', 'ebm-cd'] as const;
export type EnergyKind = (typeof ENERGY_KINDS)[number];

/** How images become binary vectors for an RBM or a Hopfield network. */
export const BINARISATIONS = ['threshold', 'stochastic'] as const;

/** The data an energy model trains on. */
export interface EnergyDatasetConfig {
  readonly name: string;
  readonly count?: number;
  readonly dir?: string;
  /**
   * rbm / hopfield: 'threshold' sets a pixel on when its intensity is > 0.5 (default); 'stochastic' draws it on
   * with probability equal to its intensity, afresh at every read (from the data stream, so resumes stay exact).
   */
  readonly binarisation?: (typeof BINARISATIONS)[number];
}

/** Fields every energy run shares with a score-model run (same meaning; see `TrainConfig`). */
interface EnergyRunCommon {
  readonly dataset: EnergyDatasetConfig;
  readonly steps: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly logEvery: number;
  readonly sampleEvery: number;
  readonly checkpointEvery: number;
  readonly keepCheckpoints: number;
  readonly sampleCount: number;
}

/** An RBM with binary units trained by CD-k or PCD-k (`@scorekit/energy` RbmTrainer). */
export interface RbmRunConfig extends EnergyRunCommon {
  readonly name: 'rbm';
  readonly hiddenUnits: number;
  /** Gibbs steps per update (CD-k / PCD-k). */
  readonly k: number;
  /** Persistent chains (PCD, Tieleman 2008), one per batch row. */
  readonly persistent: boolean;
  /** Learning rate of the log-likelihood ascent. */
  readonly lr: number;
  /** Momentum (0: plain gradient ascent; Hinton's guide uses 0.5 → 0.9). */
  readonly momentum: number;
  /** L2 weight decay on W. */
  readonly weightDecay: number;
  /** Std of the initial weights (Hinton's guide: 0.01). */
  readonly weightStd: number;
  /** Periodic samples: `steps` Gibbs sweeps from random states. */
  readonly sampler: { readonly name: 'gibbs'; readonly steps: number };
}

/** A Hopfield network storing training images by Hebb's rule (each step stores one batch of patterns). */
export interface HopfieldRunConfig extends EnergyRunCommon {
  readonly name: 'hopfield';
  /** Binary (sign) or continuous (tanh) units. */
  readonly units: 'binary' | 'continuous';
  /** Gain β of continuous (tanh) units. */
  readonly gain: number;
  /** Periodic samples: recall from stored patterns with a fraction of their units flipped. */
  readonly sampler: { readonly name: 'recall'; readonly corruption: number; readonly mode: 'asynchronous' | 'synchronous'; readonly maxIterations: number };
}

/** A deep EBM (MLP energy) trained by contrastive divergence with short-run Langevin and a replay buffer. */
export interface EbmCdRunConfig extends EnergyRunCommon {
  readonly name: 'ebm-cd';
  /** The MLP computing E(x): hidden width, depth and activation (`createEnergyNetwork` of @scorekit/models). */
  readonly network: { readonly width: number; readonly depth: number; readonly activation: string };
  /** Adam learning rate. */
  readonly lr: number;
  /** The negative phase: K steps of size λ (noise √(2λ) unless noiseStd is given). */
  readonly langevin: { readonly steps: number; readonly stepSize: number; readonly noiseStd?: number };
  /** α of the energy-magnitude penalty (Du & Mordatch). */
  readonly regularization: number;
  readonly buffer: { readonly capacity: number; readonly reinitProbability: number };
  /** Fresh chains start uniform on [−box, box]², and chains are kept inside it. */
  readonly box: number;
  /** Periodic samples: long-run Langevin from uniform noise over the box. */
  readonly sampler: { readonly name: 'langevin'; readonly steps: number; readonly stepSize: number };
}

/** An energy-model run, fully resolved: what `config.json` holds for one. */
export type EnergyTrainConfig = RbmRunConfig | HopfieldRunConfig | EbmCdRunConfig;

/**
 * Whether a raw config asks for an energy model: it names one at the top (`name`, or `kind` in configs saved before
 * `name`); score-model configs name nothing there.
 */
export function isEnergyConfig(raw: unknown): boolean {
  return raw != null && typeof raw === 'object' && ('name' in raw || 'kind' in raw);
}

const COMMON_DEFAULTS = { seed: 0, logEvery: 10, sampleEvery: 0, checkpointEvery: 0, keepCheckpoints: 3, sampleCount: 64 } as const;

const DEFAULTS = {
  rbm: {
    ...COMMON_DEFAULTS,
    hiddenUnits: 500,
    k: 1,
    persistent: false,
    // Hinton 2010, "A practical guide to training RBMs": lr 0.1-ish on mean gradients, weights N(0, 0.01²).
    lr: 0.05,
    momentum: 0,
    weightDecay: 0,
    weightStd: 0.01,
    batchSize: 100,
    sampler: { name: 'gibbs', steps: 1000 },
  },
  hopfield: { ...COMMON_DEFAULTS, units: 'binary', gain: 4, batchSize: 10, sampler: { name: 'recall', corruption: 0.1, mode: 'asynchronous', maxIterations: 50 } },
  'ebm-cd': {
    ...COMMON_DEFAULTS,
    network: { width: 64, depth: 2, activation: 'silu' },
    lr: 1e-3,
    // The settings of packages/energy/bench/deepEbm2d.ts, measured there against score matching.
    langevin: { steps: 10, stepSize: 0.02 },
    regularization: 0.1,
    buffer: { capacity: 10_000, reinitProbability: 0.05 },
    box: 4,
    batchSize: 128,
    sampleCount: 1000,
    sampler: { name: 'langevin', steps: 1500, stepSize: 0.01 },
  },
} as const;

const COMMON_KEYS = ['name', 'dataset', 'steps', 'batchSize', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery', 'keepCheckpoints', 'sampleCount', 'sampler'];
const KEYS: Record<EnergyKind, readonly string[]> = {
  rbm: [...COMMON_KEYS, 'hiddenUnits', 'k', 'persistent', 'lr', 'momentum', 'weightDecay', 'weightStd'],
  hopfield: [...COMMON_KEYS, 'units', 'gain'],
  'ebm-cd': [...COMMON_KEYS, 'network', 'lr', 'langevin', 'regularization', 'buffer', 'box'],
};

/** What data each kind accepts, and why (the error for the rest says so). */
const ACCEPTED_DATA: Record<EnergyKind, { readonly names: readonly string[]; readonly why: string }> = {
  rbm: { names: IMAGE_DATASET_NAMES, why: 'an RBM models binary vectors: images, binarised' },
  hopfield: { names: IMAGE_DATASET_NAMES, why: 'a Hopfield network stores ±1 patterns: images, binarised' },
  'ebm-cd': { names: TOY_DATASET_NAMES, why: 'ebm-cd trains an MLP energy on 2D points' },
};

/**
 * Validates an energy-model config (`name: 'rbm' | 'hopfield' | 'ebm-cd'`, merged from preset, file and flags;
 * `kind`, the key of configs saved before, is still read and written back as `name`),
 * filling defaults and collecting every problem at once: unknown fields, numbers out of range, and data the
 * model cannot take (an RBM on 2D points, ebm-cd on images) — each names the field and what is allowed.
 *
 * @example
 * const r = parseEnergyConfig({ name: 'rbm', dataset: 'mnist', hiddenUnits: -3 });
 * // Left: [{ field: 'hiddenUnits', message: 'must be an integer ≥ 1, got -3' }]
 */
export function parseEnergyConfig(input: unknown): E.Either<ConfigProblem[], EnergyTrainConfig> {
  if (input == null || typeof input !== 'object' || Array.isArray(input)) return E.left([{ field: 'config', message: `must be a JSON object, got ${show(input)}` }]);
  const named = withVariantName(input as Record<string, unknown>, ['kind']);
  if (!named.ok) return E.left(named.issues.map((i) => ({ field: 'name', message: i.problem, allowed: ENERGY_KINDS })));
  const given = named.value;
  const kind = given.name;
  if (typeof kind !== 'string' || !(ENERGY_KINDS as readonly string[]).includes(kind)) {
    const key = (input as { name?: unknown }).name === undefined && (input as { kind?: unknown }).kind !== undefined ? 'kind' : 'name';
    return E.left([{ field: key, message: `unknown energy model ${show(kind)} (leave ${key} out for a score model)`, allowed: ENERGY_KINDS }]);
  }
  const k = kind as EnergyKind;
  const defaults = DEFAULTS[k] as Record<string, unknown>;
  const raw: Record<string, unknown> = { ...defaults, ...given };
  // Nested objects are merged with their defaults, so a file may set only `langevin.steps`.
  for (const key of ['sampler', 'network', 'langevin', 'buffer']) {
    if (isRecord(defaults[key]) && isRecord(given[key])) raw[key] = { ...(defaults[key] as object), ...(given[key] as object) };
  }
  const field = (name: string) => raw[name];
  const dataset = datasetOf(raw.dataset, k);
  // Every check is a validation of its own; they are combined applicatively, so every problem is reported at once.
  const checks: Validation<unknown>[] = [
    allOf(Object.keys(raw).filter((key) => !KEYS[k].includes(key)).map((key) => fail(key, `unknown field for '${k}'`, KEYS[k]))),
    dataset,
    int('steps', field('steps'), 1),
    int('batchSize', field('batchSize'), 1),
    seedProblem(raw.seed) == null ? E.right(raw.seed) : fail('seed', seedProblem(raw.seed)!),
    int('logEvery', field('logEvery'), 1),
    int('sampleEvery', field('sampleEvery'), 0),
    int('checkpointEvery', field('checkpointEvery'), 0),
    int('keepCheckpoints', field('keepCheckpoints'), 1),
    int('sampleCount', field('sampleCount'), 1),
    ...(k === 'rbm' ? rbmChecks(raw) : k === 'hopfield' ? hopfieldChecks(raw) : ebmCdChecks(raw)),
  ];
  return pipe(
    allOf(checks),
    E.chain(() => dataset),
    E.map((d) => ({ ...raw, dataset: d }) as unknown as EnergyTrainConfig),
  );
}

/** A check's outcome: the value, or every problem found. */
type Validation<T> = E.Either<ConfigProblem[], T>;

const Applicative = E.getApplicativeValidation(RA.getSemigroup<ConfigProblem>());

// Every problem of every check, or null when all pass (fp-ts' applicative validation over the list).
function allOf(checks: readonly Validation<unknown>[]): Validation<null> {
  return pipe(
    checks.map((c) => pipe(c, E.mapLeft((problems) => problems as readonly ConfigProblem[]))),
    RA.sequence(Applicative),
    E.bimap((problems) => [...problems], () => null),
  );
}

const fail = (field: string, message: string, allowed?: readonly string[]): Validation<never> =>
  E.left([allowed != null ? { field, message, allowed } : { field, message }]);

function num(field: string, value: unknown, ok: (v: number) => boolean, what: string): Validation<number> {
  return typeof value === 'number' && Number.isFinite(value) && ok(value) ? E.right(value) : fail(field, `must be ${what}, got ${show(value)}`);
}

function int(field: string, value: unknown, min: number): Validation<number> {
  return num(field, value, (v) => Number.isInteger(v) && v >= min, `an integer ≥ ${min}`);
}

function bool(field: string, value: unknown): Validation<boolean> {
  return typeof value === 'boolean' ? E.right(value) : fail(field, `must be true or false, got ${show(value)}`);
}

function oneOf(field: string, value: unknown, allowed: readonly string[]): Validation<string> {
  return typeof value === 'string' && allowed.includes(value) ? E.right(value) : fail(field, `must be one of the allowed values, got ${show(value)}`, allowed);
}

// A nested object: its own problem when it is not one; otherwise its unknown keys and the checks of its fields,
// all reported together.
function nested(field: string, value: unknown, keys: readonly string[], fields: (v: Record<string, unknown>) => readonly Validation<unknown>[]): Validation<null> {
  if (!isRecord(value)) return fail(field, `must be an object, got ${show(value)}`);
  return allOf([...Object.keys(value).filter((key) => !keys.includes(key)).map((key) => fail(`${field}.${key}`, 'unknown field', keys)), ...fields(value)]);
}

type OptionSpec = readonly ['int', number] | readonly ['positive'] | readonly ['fraction'] | readonly ['oneOf', ...string[]];

// The run's periodic sampler: its one name for this model, and its options.
function sampler(value: unknown, name: string, options: Record<string, OptionSpec>): Validation<null> {
  return nested('sampler', value, ['name', ...Object.keys(options)], (s) => [
    s.name === name ? E.right(null) : fail('sampler.name', `this model samples with '${name}', got ${show(s.name)}`, [name]),
    ...Object.entries(options).map(([key, spec]) => {
      const f = `sampler.${key}`;
      if (spec[0] === 'int') return int(f, s[key], spec[1]);
      if (spec[0] === 'positive') return num(f, s[key], (v) => v > 0, 'a number > 0');
      if (spec[0] === 'fraction') return num(f, s[key], (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
      return oneOf(f, s[key], spec.slice(1) as string[]);
    }),
  ]);
}

function rbmChecks(raw: Record<string, unknown>): Validation<unknown>[] {
  return [
    int('hiddenUnits', raw.hiddenUnits, 1),
    int('k', raw.k, 1),
    bool('persistent', raw.persistent),
    num('lr', raw.lr, (v) => v > 0, 'a number > 0'),
    num('momentum', raw.momentum, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    num('weightDecay', raw.weightDecay, (v) => v >= 0, 'a number ≥ 0'),
    num('weightStd', raw.weightStd, (v) => v > 0, 'a number > 0'),
    sampler(raw.sampler, 'gibbs', { steps: ['int', 0] }),
  ];
}

function hopfieldChecks(raw: Record<string, unknown>): Validation<unknown>[] {
  return [
    oneOf('units', raw.units, ['binary', 'continuous']),
    num('gain', raw.gain, (v) => v > 0, 'a number > 0'),
    sampler(raw.sampler, 'recall', { corruption: ['fraction'], mode: ['oneOf', 'asynchronous', 'synchronous'], maxIterations: ['int', 1] }),
  ];
}

function ebmCdChecks(raw: Record<string, unknown>): Validation<unknown>[] {
  return [
    nested('network', raw.network, ['width', 'depth', 'activation'], (net) => {
      const sizes = [int('network.width', net.width, 1), int('network.depth', net.depth, 1)];
      if (typeof net.activation !== 'string') return [...sizes, fail('network.activation', `must be an activation name, got ${show(net.activation)}`)];
      // The MLP energy itself is checked by @scorekit/models (activation names and the rest), without building it —
      // once its sizes are valid, so that a bad width is not reported twice.
      const energy = E.isLeft(allOf(sizes))
        ? E.right(null)
        : E.tryCatch(
            () => resolveNetworkConfig({ name: 'energy', network: { name: 'mlp', dim: 2, outputDim: 1, width: net.width, depth: net.depth, activation: net.activation } } as never),
            (e) => fromError('network', e, 'energy.network'),
          );
      return [...sizes, energy];
    }),
    num('lr', raw.lr, (v) => v > 0, 'a number > 0'),
    nested('langevin', raw.langevin, ['steps', 'stepSize', 'noiseStd'], (l) => [
      int('langevin.steps', l.steps, 1),
      num('langevin.stepSize', l.stepSize, (v) => v > 0, 'a number > 0'),
      l.noiseStd === undefined ? E.right(null) : num('langevin.noiseStd', l.noiseStd, (v) => v >= 0, 'a number ≥ 0'),
    ]),
    num('regularization', raw.regularization, (v) => v >= 0, 'a number ≥ 0'),
    nested('buffer', raw.buffer, ['capacity', 'reinitProbability'], (b) => [
      int('buffer.capacity', b.capacity, 1),
      num('buffer.reinitProbability', b.reinitProbability, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    ]),
    num('box', raw.box, (v) => v > 0, 'a number > 0'),
    sampler(raw.sampler, 'langevin', { steps: ['int', 0], stepSize: ['positive'] }),
  ];
}

// The data set: a name or { name, count?, dir?, binarisation? } that this model can train on.
function datasetOf(value: unknown, kind: EnergyKind): Validation<EnergyDatasetConfig> {
  const d = typeof value === 'string' ? { name: value } : value;
  const accepted = ACCEPTED_DATA[kind];
  if (!isRecord(d)) return fail('dataset', `must be a name or { name, count?, dir?, binarisation? }, got ${show(value)}`, accepted.names);
  const binary = kind !== 'ebm-cd';
  const keys = binary ? ['name', 'count', 'dir', 'binarisation'] : ['name'];
  const known = typeof d.name === 'string' && ([...TOY_DATASET_NAMES, ...IMAGE_DATASET_NAMES] as readonly string[]).includes(d.name);
  const binarisation = d.binarisation ?? 'threshold';
  return pipe(
    allOf([
      ...Object.keys(d).filter((key) => !keys.includes(key)).map((key) => fail(`dataset.${key}`, `unknown field for '${kind}'`, keys)),
      typeof d.name === 'string' && accepted.names.includes(d.name)
        ? E.right(null)
        : fail('dataset.name', known ? `'${kind}' cannot train on '${d.name as string}': ${accepted.why}` : `unknown data set ${show(d.name)}`, accepted.names),
      d.count == null || (Number.isInteger(d.count) && (d.count as number) >= 1) ? E.right(null) : fail('dataset.count', `must be an integer ≥ 1, got ${show(d.count)}`),
      d.dir == null || typeof d.dir === 'string' ? E.right(null) : fail('dataset.dir', `must be a path, got ${show(d.dir)}`),
      d.name === 'folder' && typeof d.dir !== 'string' ? fail('dataset.dir', "is required for the 'folder' data set") : E.right(null),
      !binary || (BINARISATIONS as readonly unknown[]).includes(binarisation) ? E.right(null) : fail('dataset.binarisation', `unknown binarisation ${show(binarisation)}`, BINARISATIONS),
    ]),
    E.map(() => (binary ? { ...(d as unknown as EnergyDatasetConfig), binarisation: binarisation as EnergyDatasetConfig['binarisation'] } : (d as unknown as EnergyDatasetConfig))),
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v != null && typeof v === 'object' && !Array.isArray(v);
}
