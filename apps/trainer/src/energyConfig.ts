import * as E from 'fp-ts/lib/Either.js';
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
  const problems: ConfigProblem[] = [];
  const check = new Checks(raw, problems);
  for (const key of Object.keys(raw)) if (!KEYS[k].includes(key)) problems.push({ field: key, message: `unknown field for '${k}'`, allowed: KEYS[k] });

  const dataset = datasetOf(raw.dataset, k, problems);
  check.int('steps', 1);
  check.int('batchSize', 1);
  const seedWrong = seedProblem(raw.seed);
  if (seedWrong != null) problems.push({ field: 'seed', message: seedWrong });
  check.int('logEvery', 1);
  check.int('sampleEvery', 0);
  check.int('checkpointEvery', 0);
  check.int('keepCheckpoints', 1);
  check.int('sampleCount', 1);
  if (k === 'rbm') {
    check.int('hiddenUnits', 1);
    check.int('k', 1);
    check.bool('persistent');
    check.num('lr', (v) => v > 0, 'a number > 0');
    check.num('momentum', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    check.num('weightDecay', (v) => v >= 0, 'a number ≥ 0');
    check.num('weightStd', (v) => v > 0, 'a number > 0');
    check.sampler('gibbs', { steps: ['int', 0] });
  } else if (k === 'hopfield') {
    check.oneOf('units', ['binary', 'continuous']);
    check.num('gain', (v) => v > 0, 'a number > 0');
    check.sampler('recall', { corruption: ['fraction'], mode: ['oneOf', 'asynchronous', 'synchronous'], maxIterations: ['int', 1] });
  } else {
    const net = check.record('network', ['width', 'depth', 'activation']);
    if (net) {
      check.int('network.width', 1, net.width);
      check.int('network.depth', 1, net.depth);
      if (typeof net.activation !== 'string') problems.push({ field: 'network.activation', message: `must be an activation name, got ${show(net.activation)}` });
      else if ([net.width, net.depth].every((v) => Number.isInteger(v) && (v as number) >= 1)) {
        // The MLP energy itself is checked by @scorekit/models (activation names and the rest), without building it.
        try {
          resolveNetworkConfig({ name: 'energy', network: { name: 'mlp', dim: 2, outputDim: 1, width: net.width, depth: net.depth, activation: net.activation } } as never);
        } catch (e) {
          problems.push(...fromError('network', e, 'energy.network'));
        }
      }
    }
    check.num('lr', (v) => v > 0, 'a number > 0');
    const langevin = check.record('langevin', ['steps', 'stepSize', 'noiseStd']);
    if (langevin) {
      check.int('langevin.steps', 1, langevin.steps);
      check.num('langevin.stepSize', (v) => v > 0, 'a number > 0', langevin.stepSize);
      if (langevin.noiseStd !== undefined) check.num('langevin.noiseStd', (v) => v >= 0, 'a number ≥ 0', langevin.noiseStd);
    }
    check.num('regularization', (v) => v >= 0, 'a number ≥ 0');
    const buffer = check.record('buffer', ['capacity', 'reinitProbability']);
    if (buffer) {
      check.int('buffer.capacity', 1, buffer.capacity);
      check.num('buffer.reinitProbability', (v) => v >= 0 && v <= 1, 'a number in [0, 1]', buffer.reinitProbability);
    }
    check.num('box', (v) => v > 0, 'a number > 0');
    check.sampler('langevin', { steps: ['int', 0], stepSize: ['positive'] });
  }
  if (problems.length > 0) return E.left(problems);
  return E.right({ ...raw, dataset } as unknown as EnergyTrainConfig);
}

function datasetOf(value: unknown, kind: EnergyKind, problems: ConfigProblem[]): EnergyDatasetConfig {
  const d = typeof value === 'string' ? { name: value } : value;
  const accepted = ACCEPTED_DATA[kind];
  if (!isRecord(d)) {
    problems.push({ field: 'dataset', message: `must be a name or { name, count?, dir?, binarisation? }, got ${show(value)}`, allowed: accepted.names });
    return { name: '' };
  }
  const binary = kind !== 'ebm-cd';
  const keys = binary ? ['name', 'count', 'dir', 'binarisation'] : ['name'];
  for (const key of Object.keys(d)) if (!keys.includes(key)) problems.push({ field: `dataset.${key}`, message: `unknown field for '${kind}'`, allowed: keys });
  if (typeof d.name !== 'string' || !accepted.names.includes(d.name)) {
    const known = typeof d.name === 'string' && ([...TOY_DATASET_NAMES, ...IMAGE_DATASET_NAMES] as readonly string[]).includes(d.name);
    problems.push({
      field: 'dataset.name',
      message: known ? `'${kind}' cannot train on '${d.name as string}': ${accepted.why}` : `unknown data set ${show(d.name)}`,
      allowed: accepted.names,
    });
  }
  if (d.count != null && !(Number.isInteger(d.count) && (d.count as number) >= 1)) problems.push({ field: 'dataset.count', message: `must be an integer ≥ 1, got ${show(d.count)}` });
  if (d.dir != null && typeof d.dir !== 'string') problems.push({ field: 'dataset.dir', message: `must be a path, got ${show(d.dir)}` });
  if (d.name === 'folder' && typeof d.dir !== 'string') problems.push({ field: 'dataset.dir', message: "is required for the 'folder' data set" });
  if (!binary) return d as unknown as EnergyDatasetConfig;
  const binarisation = d.binarisation ?? 'threshold';
  if (!(BINARISATIONS as readonly unknown[]).includes(binarisation)) {
    problems.push({ field: 'dataset.binarisation', message: `unknown binarisation ${show(binarisation)}`, allowed: BINARISATIONS });
  }
  return { ...(d as unknown as EnergyDatasetConfig), binarisation: binarisation as EnergyDatasetConfig['binarisation'] };
}

type OptionSpec = readonly ['int', number] | readonly ['positive'] | readonly ['fraction'] | readonly ['oneOf', ...string[]];

// Field checks that push a problem naming the field (dotted for nested ones) and what is allowed.
class Checks {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly problems: ConfigProblem[],
  ) {}

  num(field: string, ok: (v: number) => boolean, what: string, value: unknown = this.raw[field]): void {
    if (!(typeof value === 'number' && Number.isFinite(value) && ok(value))) this.problems.push({ field, message: `must be ${what}, got ${show(value)}` });
  }

  int(field: string, min: number, value: unknown = this.raw[field]): void {
    this.num(field, (v) => Number.isInteger(v) && v >= min, `an integer ≥ ${min}`, value);
  }

  bool(field: string): void {
    if (typeof this.raw[field] !== 'boolean') this.problems.push({ field, message: `must be true or false, got ${show(this.raw[field])}` });
  }

  oneOf(field: string, allowed: readonly string[], value: unknown = this.raw[field]): void {
    if (typeof value !== 'string' || !allowed.includes(value)) this.problems.push({ field, message: `must be one of the allowed values, got ${show(value)}`, allowed });
  }

  record(field: string, keys: readonly string[]): Record<string, unknown> | undefined {
    const value = this.raw[field];
    if (!isRecord(value)) {
      this.problems.push({ field, message: `must be an object, got ${show(value)}` });
      return undefined;
    }
    for (const key of Object.keys(value)) if (!keys.includes(key)) this.problems.push({ field: `${field}.${key}`, message: 'unknown field', allowed: keys });
    return value;
  }

  /** The run's periodic sampler: its one name for this kind, and its options. */
  sampler(name: string, options: Record<string, OptionSpec>): void {
    const s = this.record('sampler', ['name', ...Object.keys(options)]);
    if (s == null) return;
    if (s.name !== name) this.problems.push({ field: 'sampler.name', message: `this model samples with '${name}', got ${show(s.name)}`, allowed: [name] });
    for (const [key, spec] of Object.entries(options)) {
      const field = `sampler.${key}`;
      if (spec[0] === 'int') this.int(field, spec[1], s[key]);
      else if (spec[0] === 'positive') this.num(field, (v) => v > 0, 'a number > 0', s[key]);
      else if (spec[0] === 'fraction') this.num(field, (v) => v >= 0 && v <= 1, 'a number in [0, 1]', s[key]);
      else this.oneOf(field, spec.slice(1) as string[], s[key]);
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v != null && typeof v === 'object' && !Array.isArray(v);
}
