import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { NamedVariable } from '../NamedVariable.js';

export interface DenseParams {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}
export interface GroupNormParams {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly groups: number;
}

let instanceCounter = 0;

/**
 * Creates a network's variables in a fixed order with stable names. tfjs requires variable names to be unique in
 * the process, so each network instance gets its own prefix; `NamedVariable.name` is the prefix-free stable name.
 */
export class ParamBuilder {
  readonly variables: NamedVariable[] = [];
  private readonly prefix: string;

  constructor(
    kind: string,
    private readonly rng: Rng,
  ) {
    this.prefix = `scorekit_${kind}${instanceCounter++}`;
  }

  private add(name: string, values: Float32Array, shape: number[], trainable: boolean): tf.Variable {
    if (this.variables.some((v) => v.name === name)) throw new Error(`internal: duplicate parameter name ${name}`);
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), trainable, `${this.prefix}/${name}`));
    this.variables.push({ name, variable, trainable });
    return variable;
  }

  // score_sde models/layers.py default_init: variance_scaling(scale, 'fan_avg', 'uniform'); scale 0 means 1e-10.
  private fanAvgUniform(n: number, fanIn: number, fanOut: number, scale: number): Float32Array {
    const s = scale === 0 ? 1e-10 : scale;
    const limit = Math.sqrt((3 * s) / ((fanIn + fanOut) / 2));
    return this.rng.uniformArray(n, -limit, limit);
  }

  /** A dense (or 1×1 "NIN") layer: kernel [inDim, outDim] with DDPM's default init, bias zeros. */
  dense(name: string, inDim: number, outDim: number, initScale = 1): DenseParams {
    const kernel = this.add(`${name}/kernel`, this.fanAvgUniform(inDim * outDim, inDim, outDim, initScale), [inDim, outDim], true);
    const bias = this.add(`${name}/bias`, new Float32Array(outDim), [outDim], true);
    return { kernel, bias };
  }

  /** A k×k convolution: kernel [k, k, inC, outC] (tfjs HWIO), bias zeros. */
  conv(name: string, k: number, inC: number, outC: number, initScale = 1): DenseParams {
    const kernel = this.add(
      `${name}/kernel`,
      this.fanAvgUniform(k * k * inC * outC, k * k * inC, k * k * outC, initScale),
      [k, k, inC, outC],
      true,
    );
    const bias = this.add(`${name}/bias`, new Float32Array(outC), [outC], true);
    return { kernel, bias };
  }

  /** GroupNorm scale (ones) and shift (zeros) over `channels`, with score_sde's min(C/4, 32) groups. */
  groupNorm(name: string, channels: number): GroupNormParams {
    const gamma = this.add(`${name}/gamma`, new Float32Array(channels).fill(1), [channels], true);
    const beta = this.add(`${name}/beta`, new Float32Array(channels), [channels], true);
    return { gamma, beta, groups: groupCount(channels) };
  }

  /** A learned table [rows, dim] (class embeddings), N(0, 1) like torch's nn.Embedding. */
  table(name: string, rows: number, dim: number): tf.Variable {
    return this.add(`${name}/table`, this.rng.normalArray(rows * dim), [rows, dim], true);
  }

  /** A fixed (non-trainable) buffer. */
  buffer(name: string, values: Float32Array, shape: number[]): tf.Variable {
    return this.add(name, values, shape, false);
  }
}

/** score_sde models/layerspp.py: GroupNorm(num_groups = min(C // 4, 32)); at least one group. */
export function groupCount(channels: number): number {
  const g = Math.max(1, Math.min(Math.floor(channels / 4), 32));
  // GroupNorm needs C divisible by G; fall back to the largest divisor ≤ g.
  for (let d = g; d >= 1; d--) if (channels % d === 0) return d;
  return 1;
}

export function countParameters(variables: readonly NamedVariable[]): number {
  return variables.filter((v) => v.trainable).reduce((acc, v) => acc + v.variable.size, 0);
}
