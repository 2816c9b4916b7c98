import * as tf from '@tensorflow/tfjs-core';
import { Rng, silu } from '@scorekit/core';
import type { ApplyOptions, Network } from '../Network.js';
import type { NamedVariable } from '../NamedVariable.js';
import { fourierEmbedding } from '../embeddings/fourierEmbedding.js';
import { sinusoidalEmbedding } from '../embeddings/sinusoidalEmbedding.js';
import { checkApplyInputs, labelOneHot } from '../internal/checkInputs.js';
import { attentionBlock, resBlock, type AttnBlockParams, type ResBlockParams } from '../internal/blocks.js';
import { conv2d, dense, dropout, groupNorm, upsampleNearest2x } from '../internal/layers.js';
import { ParamBuilder, countParameters, type DenseParams } from '../internal/ParamBuilder.js';
import { Problems, namedRecord, show } from '../internal/validate.js';
import type { EmbeddingKind } from './MlpNetwork.js';

/** Options of {@link createUNet}. Only `imageSize` is required. */
export interface UNetConfig {
  /** The variant (`kind`, its older spelling, is still read from saved configs). */
  readonly name: 'unet';
  /** Image height and width (a number for square images), e.g. 28 or 32. */
  readonly imageSize: number | readonly [number, number];
  /** Image channels, default 1. */
  readonly channels?: number;
  /** Base channel count nf, default 32. */
  readonly nf?: number;
  /** Channel multiplier per resolution, default [1, 2, 2] (28→14→7, 32→16→8). */
  readonly chMult?: readonly number[];
  /** Residual blocks per resolution, default 1. */
  readonly numResBlocks?: number;
  /** Heights at which self-attention runs, default the lowest resolution only. */
  readonly attnResolutions?: readonly number[];
  /** Dropout rate inside residual blocks during training, default 0.1. */
  readonly dropout?: number;
  /** Classes for a class-conditional model (0: unconditional, the default); an extra entry means "no label". */
  readonly numClasses?: number;
  /** Divide residual sums by √2 (DDPM++), default true. */
  readonly skipRescale?: boolean;
  /** Noise-conditioning embedding, default 'sinusoidal' (DDPM++); 'fourier' as NCSN++ (feed it log σ). */
  readonly embedding?: EmbeddingKind;
  /** Standard deviation of the Fourier frequencies, default 16. */
  readonly fourierScale?: number;
}

export interface ResolvedUNetConfig {
  readonly name: 'unet';
  readonly imageSize: readonly [number, number];
  readonly channels: number;
  readonly nf: number;
  readonly chMult: readonly number[];
  readonly numResBlocks: number;
  readonly attnResolutions: readonly number[];
  readonly dropout: number;
  readonly numClasses: number;
  readonly skipRescale: boolean;
  readonly embedding: EmbeddingKind;
  readonly fourierScale: number;
}

/** Small DDPM++-style presets: `mnist` (28×28×1) and `cifar` (32×32×3). */
export const UNET_PRESETS = {
  mnist: { name: 'unet', imageSize: 28, channels: 1, nf: 32, chMult: [1, 2, 2], numResBlocks: 1, dropout: 0.1 },
  cifar: { name: 'unet', imageSize: 32, channels: 3, nf: 64, chMult: [1, 2, 2], numResBlocks: 2, dropout: 0.1 },
} as const satisfies Record<string, UNetConfig>;

const KEYS = [
  'name', 'imageSize', 'channels', 'nf', 'chMult', 'numResBlocks', 'attnResolutions', 'dropout', 'numClasses',
  'skipRescale', 'embedding', 'fourierScale',
];

/** Resolves defaults and collects every problem of a U-Net config into `problems`. */
export function resolveUNetConfig(config: unknown, problems = new Problems('unet')): ResolvedUNetConfig {
  const c = namedRecord('unet', config, problems);
  problems.unknownKeys(c, KEYS);
  let imageSize: [number, number] = [28, 28];
  const s = c.imageSize;
  if (typeof s === 'number' && Number.isInteger(s) && s >= 1) imageSize = [s, s];
  else if (Array.isArray(s) && s.length === 2 && s.every((d) => Number.isInteger(d) && d >= 1)) imageSize = [s[0], s[1]];
  else problems.issue('imageSize', `is required: an integer or [height, width] of integers ≥ 1, got ${show(s)}`, 'an integer or [height, width] of integers ≥ 1');
  const chMult = problems.intArray(c, 'chMult', [1, 2, 2], 1);
  const levels = chMult.length;
  const factor = 2 ** (levels - 1);
  if (imageSize[0] % factor !== 0 || imageSize[1] % factor !== 0) {
    problems.issue(
      'imageSize',
      `${imageSize.join('×')} must be divisible by 2^(chMult.length − 1) = ${factor} ` +
        `(${levels} resolutions); use fewer chMult entries or another size`,
      `sides divisible by ${factor}`,
    );
  }
  const resolutions = chMult.map((_, i) => imageSize[0] / 2 ** i);
  const lowest = resolutions[resolutions.length - 1];
  const attnResolutions = problems.intArray(c, 'attnResolutions', Number.isInteger(lowest) ? [lowest] : [], 1, 0);
  for (const r of attnResolutions) {
    if (!resolutions.includes(r)) problems.issue('attnResolutions', `entry ${r} is not one of the resolutions ${resolutions.join(', ')}`, `entries among ${resolutions.join(', ')}`);
  }
  const nf = problems.int(c, 'nf', 32, 1);
  if (nf % 2 !== 0) problems.issue('nf', `must be even (it is the width of the time embedding), got ${nf}`, 'an even integer ≥ 2');
  return {
    name: 'unet',
    imageSize,
    channels: problems.int(c, 'channels', 1, 1),
    nf,
    chMult,
    numResBlocks: problems.int(c, 'numResBlocks', 1, 1),
    attnResolutions,
    dropout: problems.num(c, 'dropout', 0.1, (v) => v >= 0 && v < 1, 'in [0, 1)'),
    numClasses: problems.int(c, 'numClasses', 0, 0),
    skipRescale: problems.bool(c, 'skipRescale', true),
    embedding: problems.oneOf(c, 'embedding', 'sinusoidal', ['sinusoidal', 'fourier'] as const),
    fourierScale: problems.num(c, 'fourierScale', 16, (v) => v > 0, 'a number > 0'),
  };
}

/** A U-Net score network (see {@link createUNet}). */
export interface UNetNetwork extends Network {
  readonly kind: 'unet';
  readonly config: ResolvedUNetConfig;
}

type Op =
  | { type: 'res'; p: ResBlockParams; push: boolean }
  | { type: 'resCat'; p: ResBlockParams }
  | { type: 'attn'; p: AttnBlockParams; push: boolean }
  | { type: 'down'; p: DenseParams }
  | { type: 'up'; p: DenseParams };

/**
 * A small DDPM++-style U-Net for NHWC images (score_sde models/ddpm.py layout with layerspp.py's GroupNorm groups
 * and √2 skip rescaling): a 3×3 input conv; per resolution `numResBlocks` residual blocks (GroupNorm, SiLU, 3×3
 * conv, the time embedding added per channel, GroupNorm, SiLU, dropout, 3×3 conv initialised near zero, 1×1 skip
 * when channels change) with self-attention at `attnResolutions`; stride-2 3×3 conv downsampling and
 * nearest-neighbour ×2 + 3×3 conv upsampling; skip connections from every down-path activation; GroupNorm, SiLU
 * and a 3×3 output conv. The time embedding is sinusoidal (or Fourier) of cNoise, then Dense(nf→4nf), SiLU,
 * Dense(4nf→4nf); a class table [numClasses + 1, 4nf] is added for conditional models.
 *
 * @example
 * const unet = createUNet({ name: 'unet', imageSize: 28, channels: 1, nf: 32, chMult: [1, 2, 2] });
 * const eps = unet.apply(x, tf.mul(t, 999), { training: true, rng }); // [n, 28, 28, 1]
 */
export function createUNet(config: UNetConfig, options: { rng?: Rng } = {}): UNetNetwork {
  const problems = new Problems('unet');
  const cfg = resolveUNetConfig(config, problems);
  problems.throwIfAny();
  const rng = options.rng ?? new Rng(0);
  const b = new ParamBuilder('unet', rng);
  const { nf, chMult, numResBlocks, channels } = cfg;
  const tembDim = 4 * nf;
  const resolutions = chMult.map((_, i) => cfg.imageSize[0] / 2 ** i);

  const freqs =
    cfg.embedding === 'fourier'
      ? b.buffer('temb/fourier/frequencies', rng.normalArray(nf / 2, 0, cfg.fourierScale), [nf / 2])
      : null;
  const temb0 = b.dense('temb/dense0', nf, tembDim);
  const temb1 = b.dense('temb/dense1', tembDim, tembDim);
  const classTable = cfg.numClasses > 0 ? b.table('class_embedding', cfg.numClasses + 1, tembDim) : null;

  const resParams = (name: string, inC: number, outC: number): ResBlockParams => ({
    gn0: b.groupNorm(`${name}/gn0`, inC),
    conv0: b.conv(`${name}/conv0`, 3, inC, outC),
    temb: b.dense(`${name}/temb`, tembDim, outC),
    gn1: b.groupNorm(`${name}/gn1`, outC),
    conv1: b.conv(`${name}/conv1`, 3, outC, outC, 0),
    skip: inC !== outC ? b.dense(`${name}/skip`, inC, outC) : null,
  });
  const attnParams = (name: string, C: number): AttnBlockParams => ({
    gn: b.groupNorm(`${name}/gn`, C),
    q: b.dense(`${name}/q`, C, C),
    k: b.dense(`${name}/k`, C, C),
    v: b.dense(`${name}/v`, C, C),
    out: b.dense(`${name}/out`, C, C, 0),
  });

  const convIn = b.conv('conv_in', 3, channels, nf);
  const ops: Op[] = [];
  const skipChannels = [nf];
  let ch = nf;
  chMult.forEach((mult, level) => {
    const attn = cfg.attnResolutions.includes(resolutions[level]);
    for (let i = 0; i < numResBlocks; i++) {
      ops.push({ type: 'res', p: resParams(`down${level}/res${i}`, ch, nf * mult), push: !attn });
      ch = nf * mult;
      if (attn) ops.push({ type: 'attn', p: attnParams(`down${level}/attn${i}`, ch), push: true });
      skipChannels.push(ch);
    }
    if (level !== chMult.length - 1) {
      ops.push({ type: 'down', p: b.conv(`down${level}/downsample`, 3, ch, ch) });
      skipChannels.push(ch);
    }
  });
  ops.push({ type: 'res', p: resParams('mid/res0', ch, ch), push: false });
  ops.push({ type: 'attn', p: attnParams('mid/attn', ch), push: false });
  ops.push({ type: 'res', p: resParams('mid/res1', ch, ch), push: false });
  for (let level = chMult.length - 1; level >= 0; level--) {
    for (let i = 0; i < numResBlocks + 1; i++) {
      const skipC = skipChannels.pop() as number;
      ops.push({ type: 'resCat', p: resParams(`up${level}/res${i}`, ch + skipC, nf * chMult[level]) });
      ch = nf * chMult[level];
    }
    if (cfg.attnResolutions.includes(resolutions[level])) {
      ops.push({ type: 'attn', p: attnParams(`up${level}/attn`, ch), push: false });
    }
    if (level !== 0) ops.push({ type: 'up', p: b.conv(`up${level}/upsample`, 3, ch, ch) });
  }
  const gnOut = b.groupNorm('out/gn', ch);
  const convOut = b.conv('out/conv', 3, ch, channels, 0);
  const variables: readonly NamedVariable[] = b.variables;
  const inputShape = [cfg.imageSize[0], cfg.imageSize[1], channels];
  const rescale = cfg.skipRescale ? 1 / Math.SQRT2 : 1;

  return {
    kind: 'unet',
    config: cfg,
    inputShape,
    outputShape: inputShape,
    variables,
    parameterCount: countParameters(variables),
    numClasses: cfg.numClasses,
    apply(x: tf.Tensor, cNoise: tf.Tensor, opts: ApplyOptions = {}): tf.Tensor {
      checkApplyInputs('unet', inputShape, cfg.numClasses, x, cNoise, opts);
      const training = opts.training === true && cfg.dropout > 0;
      if (training && opts.rng == null) {
        throw new Error(`unet: training with dropout ${cfg.dropout} needs options.rng (an Rng for the dropout masks)`);
      }
      const drop = training ? (h: tf.Tensor) => dropout(h, cfg.dropout, opts.rng as Rng) : (h: tf.Tensor) => h;
      return tf.tidy(() => {
        const emb = freqs ? fourierEmbedding(cNoise, freqs) : sinusoidalEmbedding(cNoise, nf);
        let temb = dense(temb1, silu(dense(temb0, emb)));
        if (classTable) {
          const onehot = labelOneHot(x.shape[0], cfg.numClasses, opts.labels);
          temb = tf.add(temb, tf.matMul(onehot as tf.Tensor2D, classTable as tf.Tensor2D));
        }
        // every residual block reads SiLU(temb): computed once (one op and one gradient instead of one per block)
        const tembSilu = silu(temb);
        const hs: tf.Tensor[] = [conv2d(convIn, x)];
        let h = hs[0];
        for (const op of ops) {
          switch (op.type) {
            case 'res':
              h = resBlock(op.p, h, tembSilu, drop, rescale);
              if (op.push) hs.push(h);
              break;
            case 'attn':
              h = attentionBlock(op.p, h, rescale);
              if (op.push) hs.push(h);
              break;
            case 'down':
              h = conv2d(op.p, h, 2);
              hs.push(h);
              break;
            case 'resCat':
              h = resBlock(op.p, tf.concat([h, hs.pop() as tf.Tensor], 3), tembSilu, drop, rescale);
              break;
            case 'up':
              h = conv2d(op.p, upsampleNearest2x(h));
              break;
          }
        }
        return conv2d(convOut, groupNorm(gnOut, h, { silu: true }));
      });
    },
    trainableVariables: () => variables.filter((v) => v.trainable).map((v) => v.variable),
    dispose: () => variables.forEach((v) => v.variable.dispose()),
  };
}
