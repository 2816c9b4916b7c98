import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, Rng, defineRegistry, optionChecks, resolutionOf, silu, withVariantName, type ConfigIssue, type OptionCheck, type OptionSpec, type Registry } from '@scorekit/core';
import { createMlp, resolveScoreModelConfig, sinusoidalEmbedding, type NamedVariable, type NoiseConditioning } from '@scorekit/models';
import { createSde, type Sde, type SdeConfig } from '@scorekit/sde';
import type { NoisyClassifier } from './NoisyClassifier.js';
import { NoisyClassifierConfigError } from './NoisyClassifierConfigError.js';
import { sdeConfigOf } from './internal/sdeConfigOf.js';
import { timeColumns } from './internal/timeColumns.js';

/** The architectures of a trained noisy classifier. */
export type NoisyClassifierKind = 'mlp' | 'conv';
/** Every {@link NoisyClassifierKind}. */
export const NOISY_CLASSIFIER_KINDS: readonly NoisyClassifierKind[] = ['mlp', 'conv'];

/** Options of {@link createNoisyClassifier}. */
export interface NoisyClassifierConfig {
  /** 'mlp' for low-dimensional data (flattened), 'conv' for NHWC images. */
  readonly name: NoisyClassifierKind;
  /** The forward SDE (an instance of a scorekit SDE, or its config `{ name, ... }`). */
  readonly sde: Sde | SdeConfig;
  readonly numClasses: number;
  /** One sample's shape: [d] for 'mlp', [h, w, c] for 'conv'. */
  readonly dataShape: readonly number[];
  /** Hidden width of the MLP / of the dense layer after the convolutions (default 128 / 64). */
  readonly width?: number;
  /** MLP hidden layers (default 3). */
  readonly depth?: number;
  /** Filters of the two stride-2 3 × 3 convolutions (default [16, 32]). */
  readonly filters?: readonly [number, number];
  /** Width of the time embedding (default 32). */
  readonly embeddingDim?: number;
  /** The noise-conditioning input, as score models name it (default: the score models' default for the SDE). */
  readonly conditioning?: NoiseConditioning;
  /** Seed of the initial weights (default 0). */
  readonly seed?: number;
}

/** A {@link NoisyClassifierConfig}: keyed by `name`, as every scorekit config names its variant. */
export type NamedNoisyClassifierConfig = NoisyClassifierConfig;

/**
 * @deprecated A {@link NoisyClassifierConfig} under `kind`, the key of classifier folders saved before `name`; still
 * read.
 */
export type LegacyNoisyClassifierConfig = Omit<NoisyClassifierConfig, 'name'> & { readonly kind: NoisyClassifierKind };

/** A resolved, JSON-serialisable {@link NoisyClassifierConfig} (saved as the folder's config.json). */
export interface ResolvedNoisyClassifierConfig {
  readonly name: NoisyClassifierKind;
  readonly sde: SdeConfig;
  readonly numClasses: number;
  readonly dataShape: readonly number[];
  readonly width: number;
  readonly depth: number;
  readonly filters: readonly [number, number];
  readonly embeddingDim: number;
  readonly conditioning: NoiseConditioning;
  readonly seed: number;
}

/** A trainable {@link NoisyClassifier}: a network over named variables, saved and loaded by `@scorekit/guidance/node`. */
export interface TrainableNoisyClassifier extends NoisyClassifier {
  readonly config: ResolvedNoisyClassifierConfig;
  /** Every variable with a stable name (checkpoints key on it). */
  readonly variables: readonly NamedVariable[];
  /** The logits [n, numClasses] (the unnormalised log-probabilities). */
  logits(x: tf.Tensor, t: tf.Tensor | number): tf.Tensor;
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

const KEYS = ['name', 'sde', 'numClasses', 'dataShape', 'width', 'depth', 'filters', 'embeddingDim', 'conditioning', 'seed'];
const CONDITIONINGS: readonly NoiseConditioning[] = ['time', 'time999', 'sigma', 'logSigma'];

/** Resolves a classifier config, reporting every problem at once with its path and the allowed values. */
export function resolveNoisyClassifierConfig(input: NoisyClassifierConfig | LegacyNoisyClassifierConfig): { resolved: ResolvedNoisyClassifierConfig; sde: Sde } {
  if (input == null || typeof input !== 'object') throw new Error('createNoisyClassifier: expected a config { name, sde, numClasses, dataShape, ... }');
  const issues: ConfigIssue[] = [];
  const lines: string[] = [];
  const add = (path: string, problem: string, allowed?: string, line = `${path} ${problem}`) => {
    issues.push(allowed == null ? { path, problem } : { path, problem, allowed });
    lines.push(line);
  };
  // `name` names the architecture as in every scorekit config; `kind` (what folders saved before hold) is still read.
  const named = withVariantName(input as unknown as Record<string, unknown>, ['kind']);
  if (!named.ok) for (const i of named.issues) add(i.path, i.problem, i.allowed);
  const config = (named.ok ? named.value : { ...input, kind: undefined }) as unknown as NoisyClassifierConfig;
  for (const key of Object.keys(config)) if (!KEYS.includes(key) && (config as unknown as Record<string, unknown>)[key] !== undefined) add(key, 'is not an option', KEYS.join(', '), `unknown option '${key}' (allowed: ${KEYS.join(', ')})`);
  const kind = config.name;
  if (named.ok && !NOISY_CLASSIFIER_KINDS.includes(kind)) add('name', `must be one of ${NOISY_CLASSIFIER_KINDS.join(', ')}; got ${JSON.stringify(kind)}`, NOISY_CLASSIFIER_KINDS.join(', '));
  const int = (name: string, value: unknown, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || (value as number) < min) add(name, `must be an integer ≥ ${min}; got ${JSON.stringify(value)}`, `an integer ≥ ${min}`);
    return value as number;
  };
  const numClasses = int('numClasses', config.numClasses, 0, 2);
  if (config.numClasses === undefined) add('numClasses', 'is required (an integer ≥ 2)', 'an integer ≥ 2');
  const shape = config.dataShape;
  const shapeOk = Array.isArray(shape) && shape.length >= 1 && shape.every((s) => Number.isInteger(s) && s >= 1);
  if (!shapeOk) add('dataShape', `must be one sample's shape of positive integers; got ${JSON.stringify(shape)}`, "one sample's shape of positive integers");
  else if (kind === 'conv' && shape.length !== 3) {
    add('dataShape', `must be [h, w, c] for a 'conv' classifier; got [${shape.join(', ')}]`, '[h, w, c]', `a 'conv' classifier takes images: dataShape [h, w, c]; got [${shape.join(', ')}]`);
  }
  const width = int('width', config.width, kind === 'conv' ? 64 : 128, 1);
  const depth = int('depth', config.depth, 3, 1);
  const embeddingDim = int('embeddingDim', config.embeddingDim, 32, 4);
  if (embeddingDim % 2 !== 0) add('embeddingDim', `must be even; got ${embeddingDim}`, 'an even integer ≥ 4');
  const filters = config.filters ?? [16, 32];
  if (!Array.isArray(filters) || filters.length !== 2 || !filters.every((f) => Number.isInteger(f) && f >= 1)) {
    add('filters', `must be two positive integers; got ${JSON.stringify(config.filters)}`, 'two positive integers');
  }
  const seed = int('seed', config.seed, 0, 0);
  let sde: Sde | null = null;
  let sdeConfig: SdeConfig | null = null;
  const given = config.sde as Sde | SdeConfig | undefined;
  if (given == null) add('sde', 'is required (an Sde or its config { name, ... })', 'an Sde or its config { name, ... }');
  else {
    try {
      if (typeof (given as Sde).marginalCoefficients === 'function') {
        sde = given as Sde;
        sdeConfig = sdeConfigOf(sde);
      } else {
        sdeConfig = given as SdeConfig;
        sde = createSde(sdeConfig);
      }
    } catch (e) {
      // The SDE's own issues, under `sde`; its message stays one line of ours.
      if (e instanceof ConfigError) issues.push(...e.under('sde'));
      else issues.push({ path: 'sde', problem: (e as Error).message });
      lines.push((e as Error).message);
    }
  }
  let conditioning: NoiseConditioning = 'time';
  if (sde) {
    const fallback = resolveScoreModelConfig({}, sde).conditioning;
    conditioning = config.conditioning ?? (CONDITIONINGS.includes(fallback) ? fallback : 'time');
    if (!CONDITIONINGS.includes(conditioning)) add('conditioning', `must be one of ${CONDITIONINGS.join(', ')}; got ${JSON.stringify(config.conditioning)}`, CONDITIONINGS.join(', '));
  }
  if (issues.length > 0) throw new NoisyClassifierConfigError(issues, lines);
  return {
    resolved: { name: kind, sde: sdeConfig!, numClasses, dataShape: [...shape], width, depth, filters: [filters[0], filters[1]], embeddingDim, conditioning, seed },
    sde: sde!,
  };
}

const isSdeOrConfig: OptionCheck = {
  allowed: 'an Sde or its config { name, ... }',
  ok: (v) => v != null && typeof v === 'object' && !Array.isArray(v),
};
const positiveIntegers = (length?: number): OptionCheck => ({
  allowed: length == null ? 'an array of integers ≥ 1' : `${length} integers ≥ 1`,
  ok: (v) => Array.isArray(v) && v.length >= 1 && (length == null || v.length === length) && v.every((e) => Number.isInteger(e) && e >= 1),
});
const CLASSIFIER_SPEC: OptionSpec<Omit<NoisyClassifierConfig, 'name'>> = {
  sde: isSdeOrConfig,
  numClasses: optionChecks.integerAtLeast(2),
  dataShape: positiveIntegers(),
  width: optionChecks.integerAtLeast(1),
  depth: optionChecks.integerAtLeast(1),
  filters: positiveIntegers(2),
  embeddingDim: { allowed: 'an even integer ≥ 4', ok: (v) => Number.isInteger(v) && (v as number) >= 4 && (v as number) % 2 === 0 },
  conditioning: optionChecks.oneOf(...CONDITIONINGS),
  seed: optionChecks.integerAtLeast(0),
};

const classifierEntry = (name: NoisyClassifierKind) => ({
  name,
  spec: CLASSIFIER_SPEC,
  // The resolver checks everything (the SDE included) and reports every problem; the options pass on as given.
  resolve: (options: Record<string, unknown>) =>
    resolutionOf(() => (resolveNoisyClassifierConfig({ name, ...options } as NoisyClassifierConfig), options as Omit<NoisyClassifierConfig, 'name'>)),
  create: (options: Omit<NoisyClassifierConfig, 'name'>) => createNoisyClassifier({ name, ...options }),
});

/**
 * The noisy classifiers as a registry of `@scorekit/core`'s one shape: `names()` ('mlp', 'conv'), each one's option
 * `spec`, `resolve({ name, ...options })` returning every problem with its field path and the allowed values, and
 * `create`. `kind`, the key of classifier folders saved before `name`, is read as a deprecated alias (by
 * `createNoisyClassifier` too); a config giving both with different values is one problem naming both.
 *
 * @example
 * noisyClassifierRegistry.resolve({ name: 'conv', sde: { name: 'vp' }, numClasses: 1, dataShape: [4], width: 0 }); // 3 issues
 */
export const noisyClassifierRegistry: Registry<TrainableNoisyClassifier> = defineRegistry<TrainableNoisyClassifier>('noisy classifier', [
  classifierEntry('mlp'),
  classifierEntry('conv'),
], { aliases: ['kind'] });

/**
 * A noise-conditional classifier p_φ(y | x_t, t) to train on data perturbed by the SDE (see
 * {@link trainNoisyClassifier}), conditioned on time as the score models are (the same noise-conditioning input and
 * sinusoidal embedding from `@scorekit/models`):
 * - 'mlp': the score models' MLP with `numClasses` outputs over the flattened sample;
 * - 'conv': two 3 × 3 stride-2 SiLU convolutions, each with the time embedding projected and added per channel (as
 *   the U-Net's residual blocks do), then a dense SiLU layer and the logits (Dhariwal & Nichol's classifier is the
 *   U-Net's encoder; this is its smallest form, sized for 28 × 28 digits).
 *
 * @example
 * const classifier = createNoisyClassifier({ name: 'mlp', sde: new VpSde(), numClasses: 2, dataShape: [2] });
 * await trainNoisyClassifier(classifier, { data, labels, steps: 500, batchSize: 128, lr: 2e-3, seed: 0 });
 */
export function createNoisyClassifier(config: NoisyClassifierConfig | LegacyNoisyClassifierConfig): TrainableNoisyClassifier {
  const { resolved, sde } = resolveNoisyClassifierConfig(config);
  return resolved.name === 'mlp' ? mlpClassifier(resolved, sde) : convClassifier(resolved, sde);
}

function noiseInput(cfg: ResolvedNoisyClassifierConfig, sde: Sde, t: tf.Tensor | number, n: number): tf.Tensor {
  const tVec = typeof t === 'number' ? tf.fill([n], t) : t;
  switch (cfg.conditioning) {
    case 'time':
      return tf.clone(tVec);
    case 'time999':
      return tf.mul(tVec, 999); // score_sde models/utils.py get_score_fn (continuous VP)
    case 'sigma':
      return sde.marginalCoefficients(tVec).sigma;
    default:
      return tf.log(sde.marginalCoefficients(tVec).sigma);
  }
}

function checkInput(cfg: ResolvedNoisyClassifierConfig, x: tf.Tensor, t: tf.Tensor | number): void {
  const expected = cfg.dataShape.join(',');
  if (!(x instanceof tf.Tensor) || x.shape.slice(1).join(',') !== expected || x.rank !== cfg.dataShape.length + 1) {
    throw new Error(`noisy classifier: x must have shape [n, ${cfg.dataShape.join(', ')}]; got ${x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : String(x)}`);
  }
  if (typeof t !== 'number' && (t.rank !== 1 || t.shape[0] !== x.shape[0])) {
    throw new Error(`noisy classifier: t must be a number or [${x.shape[0]}]; got [${t.shape.join(', ')}]`);
  }
}

function withLogProbs(cfg: ResolvedNoisyClassifierConfig, sde: Sde, variables: NamedVariable[], logits: (x: tf.Tensor, t: tf.Tensor | number) => tf.Tensor): TrainableNoisyClassifier {
  return {
    sde,
    config: cfg,
    numClasses: cfg.numClasses,
    dataShape: cfg.dataShape,
    variables,
    logits: (x, t) => {
      checkInput(cfg, x, t);
      return tf.tidy(() => logits(x, t));
    },
    logProbs: (x, t) => {
      checkInput(cfg, x, t);
      return tf.tidy(() => tf.logSoftmax(logits(x, t)));
    },
    trainableVariables: () => variables.filter((v) => v.trainable).map((v) => v.variable),
    dispose: () => variables.forEach((v) => v.variable.dispose()),
  };
}

function mlpClassifier(cfg: ResolvedNoisyClassifierConfig, sde: Sde): TrainableNoisyClassifier {
  const dim = cfg.dataShape.reduce((a, b) => a * b, 1);
  const net = createMlp(
    { name: 'mlp', dim, width: cfg.width, depth: cfg.depth, embeddingDim: cfg.embeddingDim, outputDim: cfg.numClasses },
    { rng: new Rng(cfg.seed) },
  );
  return withLogProbs(cfg, sde, [...net.variables], (x, t) => net.apply(tf.reshape(x, [x.shape[0], dim]), noiseInput(cfg, sde, t, x.shape[0])));
}

function convClassifier(cfg: ResolvedNoisyClassifierConfig, sde: Sde): TrainableNoisyClassifier {
  const [h, w, c] = cfg.dataShape;
  const [f1, f2] = cfg.filters;
  const E = cfg.embeddingDim;
  const rng = new Rng(cfg.seed);
  const variables: NamedVariable[] = [];
  // He-normal weights from the seeded Rng (std √(2/fan_in)), zero biases: a seed fixes the network on every backend.
  const param = (name: string, shape: number[], fanIn: number | null): tf.Variable => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = fanIn == null ? new Float32Array(size) : rng.normalArray(size, 0, Math.sqrt(2 / fanIn));
    const init = tf.tensor(values, shape);
    const variable = tf.variable(init, true);
    init.dispose();
    variables.push({ name, variable, trainable: true });
    return variable;
  };
  const h1 = Math.ceil(h / 2);
  const w1 = Math.ceil(w / 2);
  const h2 = Math.ceil(h1 / 2);
  const w2 = Math.ceil(w1 / 2);
  const temb1 = param('temb/dense0/kernel', [E, E], E);
  const tembB1 = param('temb/dense0/bias', [E], null);
  const conv1 = param('conv1/kernel', [3, 3, c, f1], 9 * c);
  const conv1B = param('conv1/bias', [f1], null);
  const proj1 = param('conv1/temb/kernel', [E, f1], E);
  const conv2 = param('conv2/kernel', [3, 3, f1, f2], 9 * f1);
  const conv2B = param('conv2/bias', [f2], null);
  const proj2 = param('conv2/temb/kernel', [E, f2], E);
  const dense = param('features/kernel', [h2 * w2 * f2, cfg.width], h2 * w2 * f2);
  const denseB = param('features/bias', [cfg.width], null);
  const out = param('logits/kernel', [cfg.width, cfg.numClasses], cfg.width);
  const outB = param('logits/bias', [cfg.numClasses], null);
  return withLogProbs(cfg, sde, variables, (x, t) => {
    const n = x.shape[0];
    const temb = silu(tf.add(tf.matMul(sinusoidalEmbedding(noiseInput(cfg, sde, t, n), E), temb1), tembB1));
    const perChannel = (proj: tf.Tensor, f: number) => tf.reshape(tf.matMul(temb, proj), [n, 1, 1, f]);
    const a1 = silu(tf.add(tf.add(tf.conv2d(x as tf.Tensor4D, conv1 as tf.Tensor4D, 2, 'same'), conv1B), perChannel(proj1, f1)));
    const a2 = silu(tf.add(tf.add(tf.conv2d(a1 as tf.Tensor4D, conv2 as tf.Tensor4D, 2, 'same'), conv2B), perChannel(proj2, f2)));
    const features = silu(tf.add(tf.matMul(tf.reshape(a2, [n, h2 * w2 * f2]), dense), denseB));
    return tf.add(tf.matMul(features, out), outB);
  });
}

/** α(t)·x₀ + σ(t)·z for per-sample times [n] (the classifier's training input). */
export function perturb(sde: Sde, x0: tf.Tensor, t: tf.Tensor, noise: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const n = x0.shape[0];
    const { alpha, sigma2 } = timeColumns(sde, t, n, 'perturb');
    const shape = [n, ...new Array<number>(x0.rank - 1).fill(1)];
    return tf.add(tf.mul(x0, tf.reshape(alpha, shape)), tf.mul(noise, tf.reshape(tf.sqrt(sigma2), shape)));
  });
}
