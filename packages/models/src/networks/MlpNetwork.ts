import * as tf from '@tensorflow/tfjs-core';
import { Rng, silu, softplus, tanh } from '@scorekit/core';
import type { ApplyOptions, Network } from '../Network.js';
import type { NamedVariable } from '../NamedVariable.js';
import { fourierEmbedding } from '../embeddings/fourierEmbedding.js';
import { sinusoidalEmbedding } from '../embeddings/sinusoidalEmbedding.js';
import { checkApplyInputs, labelOneHot } from '../internal/checkInputs.js';
import { dense } from '../internal/layers.js';
import { ParamBuilder, countParameters, type DenseParams } from '../internal/ParamBuilder.js';
import { Problems, namedRecord } from '../internal/validate.js';

/** How a network embeds its noise-conditioning input. */
export type EmbeddingKind = 'sinusoidal' | 'fourier';
/** Hidden activations of the MLP (all second-order safe, from @scorekit/core). */
export type MlpActivation = 'silu' | 'softplus' | 'tanh';

/** Options of {@link createMlp}. Only `dim` is required. */
export interface MlpConfig {
  /** The variant (`kind`, its older spelling, is still read from saved configs). */
  readonly name: 'mlp';
  /** Dimension of a data point. */
  readonly dim: number;
  /** Hidden width, default 128. */
  readonly width?: number;
  /** Number of hidden layers, default 3. */
  readonly depth?: number;
  /** Noise-conditioning embedding, default 'sinusoidal' (works at any scale of cNoise; 'fourier' suits log σ). */
  readonly embedding?: EmbeddingKind;
  /** Width of the embedding, default 32. */
  readonly embeddingDim?: number;
  /** Standard deviation of the Fourier frequencies, default 16 (score_sde fourier_scale). */
  readonly fourierScale?: number;
  /** Hidden activation, default 'silu'. */
  readonly activation?: MlpActivation;
  /** Output dimension, default `dim` (1 for a scalar energy head). */
  readonly outputDim?: number;
  /** Classes for a class-conditional model (0: unconditional, the default); an extra entry means "no label". */
  readonly numClasses?: number;
}

export type ResolvedMlpConfig = Required<MlpConfig>;

const KEYS = ['name', 'dim', 'width', 'depth', 'embedding', 'embeddingDim', 'fourierScale', 'activation', 'outputDim', 'numClasses'];

/** Resolves defaults and collects every problem of an MLP config into `problems`. */
export function resolveMlpConfig(config: unknown, problems = new Problems('mlp')): ResolvedMlpConfig {
  const c = namedRecord('mlp', config, problems);
  problems.unknownKeys(c, KEYS);
  const dim = problems.int(c, 'dim', 2, 1);
  if (c.dim == null) problems.issue('dim', 'is required (the dimension of a data point)', 'an integer ≥ 1');
  return {
    name: 'mlp',
    dim,
    width: problems.int(c, 'width', 128, 1),
    depth: problems.int(c, 'depth', 3, 1),
    embedding: problems.oneOf(c, 'embedding', 'sinusoidal', ['sinusoidal', 'fourier'] as const),
    embeddingDim: evenEmbeddingDim(problems, c),
    fourierScale: problems.num(c, 'fourierScale', 16, (v) => v > 0, 'a number > 0'),
    activation: problems.oneOf(c, 'activation', 'silu', ['silu', 'softplus', 'tanh'] as const),
    outputDim: problems.int(c, 'outputDim', dim, 1),
    numClasses: problems.int(c, 'numClasses', 0, 0),
  };
}

function evenEmbeddingDim(problems: Problems, c: Record<string, unknown>): number {
  const v = problems.int(c, 'embeddingDim', 32, 4);
  if (v % 2 !== 0) problems.issue('embeddingDim', `must be even, got ${v}`, 'an even integer ≥ 4');
  return v;
}

/** An MLP score network (see {@link createMlp}). */
export interface MlpNetwork extends Network {
  readonly kind: 'mlp';
  readonly config: ResolvedMlpConfig;
}

const ACTIVATIONS: Record<MlpActivation, (x: tf.Tensor) => tf.Tensor> = { silu, softplus, tanh };

/**
 * An MLP score network for low-dimensional data: the noise-conditioning input is embedded (sinusoidal, or Gaussian
 * Fourier features), concatenated with x, and passed through `depth` hidden layers of `width` units. Parameters:
 * (dim + E)·W + W + (depth − 1)(W² + W) + W·out + out, plus (numClasses + 1)·E for a class table.
 *
 * @example
 * const net = createMlp({ name: 'mlp', dim: 2, width: 64, depth: 2 });
 * const s = net.apply(x, tf.mul(t, 999)); // [n, 2]
 */
export function createMlp(config: MlpConfig, options: { rng?: Rng } = {}): MlpNetwork {
  const problems = new Problems('mlp');
  const cfg = resolveMlpConfig(config, problems);
  problems.throwIfAny();
  const rng = options.rng ?? new Rng(0);
  const b = new ParamBuilder('mlp', rng);
  const E = cfg.embeddingDim;
  const freqs =
    cfg.embedding === 'fourier'
      ? b.buffer('temb/fourier/frequencies', rng.normalArray(E / 2, 0, cfg.fourierScale), [E / 2])
      : null;
  const classTable = cfg.numClasses > 0 ? b.table('class_embedding', cfg.numClasses + 1, E) : null;
  const hidden: DenseParams[] = [];
  for (let i = 0; i < cfg.depth; i++) hidden.push(b.dense(`hidden${i}`, i === 0 ? cfg.dim + E : cfg.width, cfg.width));
  const out = b.dense('out', cfg.width, cfg.outputDim);
  const act = ACTIVATIONS[cfg.activation];
  const variables: readonly NamedVariable[] = b.variables;

  return {
    kind: 'mlp',
    config: cfg,
    inputShape: [cfg.dim],
    outputShape: [cfg.outputDim],
    variables,
    parameterCount: countParameters(variables),
    numClasses: cfg.numClasses,
    apply(x: tf.Tensor, cNoise: tf.Tensor, opts: ApplyOptions = {}): tf.Tensor {
      checkApplyInputs('mlp', [cfg.dim], cfg.numClasses, x, cNoise, opts);
      return tf.tidy(() => {
        let temb = freqs ? fourierEmbedding(cNoise, freqs) : sinusoidalEmbedding(cNoise, E);
        if (classTable) temb = tf.add(temb, tf.matMul(labelOneHot(x.shape[0], cfg.numClasses, opts.labels) as tf.Tensor2D, classTable as tf.Tensor2D));
        let h = tf.concat([x, temb], 1);
        for (const layer of hidden) h = act(dense(layer, h));
        return dense(out, h);
      });
    },
    trainableVariables: () => variables.filter((v) => v.trainable).map((v) => v.variable),
    dispose: () => variables.forEach((v) => v.variable.dispose()),
  };
}
