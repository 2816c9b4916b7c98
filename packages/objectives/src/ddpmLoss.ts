import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { Sde } from '@scorekit/sde';
import type { ModelCallOptions } from './DenoiserModel.js';
import type { Denoiser } from '@scorekit/sde';
import type { ObjectiveBatch } from './ObjectiveBatch.js';
import { REDUCTIONS, type Reduction } from './Reduction.js';
import { checkData, checkPerSampleArray, checkSameShape, readBatch } from './internal/batch.js';
import { callDenoiser, checkDenoiser, modelCall } from './internal/models.js';
import { Problems, asRecord } from './internal/Problems.js';
import { reduceSquares } from './internal/reduce.js';

/** Options of {@link ddpmLoss}. */
export interface DdpmOptions {
  /** Reduction over data dimensions, default 'mean' (Ho et al.'s `mean_flat`; score_sde DDPM configs). */
  readonly reduce?: Reduction;
  /** Passed to the model (default true); not a config option. */
  readonly training?: boolean;
}

/** {@link DdpmOptions} with every default filled in. */
export interface ResolvedDdpmOptions {
  readonly reduce: Reduction;
}

/** The configurable option names (anything else in a config is an error). */
export const DDPM_OPTION_NAMES: readonly string[] = ['reduce'];

/** Validates and completes the options of the DDPM objective, reporting every problem at once. */
export function resolveDdpmOptions(options: unknown): ResolvedDdpmOptions {
  const p = new Problems('ddpm');
  const o = asRecord('ddpm', options);
  p.unknownKeys(o, DDPM_OPTION_NAMES);
  const resolved = { reduce: p.oneOf(o, 'reduce', 'mean', REDUCTIONS) };
  p.throwIfAny();
  return resolved;
}

/** What the DDPM objective needs from the model's SDE: the discrete chain's ᾱ table and its step times. */
interface DiscreteChain {
  readonly N: number;
  readonly alphasCumprod: Float64Array;
  timeOfStep(i: number): number;
}

function discreteChain(sde: Sde, where: string): DiscreteChain {
  const chain = sde as Sde & Partial<DiscreteChain>;
  if (!(chain.alphasCumprod instanceof Float64Array) || typeof chain.timeOfStep !== 'function') {
    throw new Error(
      `${where}: the model's SDE must be the discrete DDPM chain (sde 'ddpm', with alphasCumprod and timeOfStep); got '${sde.name}'. ` +
        `For continuous-time VP or sub-VP models use 'continuous-dsm' with weighting 'sigma2', its continuous counterpart.`,
    );
  }
  return chain as DiscreteChain;
}

/**
 * Per-sample DDPM loss for given integer steps i ∈ [0, N) and noise ε: x = √ᾱᵢ·x₀ + √(1−ᾱᵢ)·ε with ᾱ from the
 * chain's own table (float64), the model sees x at the step's time t_i = (i+1)/N, and the loss is reduce((ε̂ − ε)²)
 * (Ho et al. 2020, L_simple; score_sde `losses.py get_ddpm_loss_fn`). At the grid times this equals
 * continuous-time DSM with λ = σ² on the same SDE.
 *
 * @example
 * const perSample = ddpmLosses(model, x0, [0, 499, 999], rng.normal(x0.shape)); // n = 3
 */
export function ddpmLosses(
  model: Denoiser,
  x0: tf.Tensor,
  steps: ArrayLike<number>,
  noise: tf.Tensor,
  options: { readonly reduce?: Reduction } = {},
  call: ModelCallOptions = {},
): tf.Tensor {
  const where = 'ddpm';
  const chain = discreteChain(checkDenoiser(model, where), where);
  checkData(x0, where, 'x0');
  checkSameShape(x0, noise, where, 'x0', 'noise');
  const n = x0.shape[0];
  checkPerSampleArray(steps, n, where, 'steps', (v) => Number.isInteger(v) && v >= 0 && v < chain.N, `an integer in [0, ${chain.N})`);
  const sqrtAlphaBar = new Float32Array(n);
  const sqrtOneMinus = new Float32Array(n);
  const times = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const ab = chain.alphasCumprod[steps[j]];
    sqrtAlphaBar[j] = Math.sqrt(ab);
    sqrtOneMinus[j] = Math.sqrt(1 - ab);
    times[j] = chain.timeOfStep(steps[j]);
  }
  return tf.tidy(() => {
    const shape = [n, ...new Array(x0.rank - 1).fill(1)];
    const xt = tf.add(tf.mul(tf.tensor(sqrtAlphaBar, shape), x0), tf.mul(tf.tensor(sqrtOneMinus, shape), noise));
    const eps = callDenoiser(model, xt, tf.tensor1d(times), call, 'eps', where);
    return reduceSquares(tf.sub(eps, noise), options.reduce ?? 'mean');
  });
}

/**
 * DDPM ε-prediction training (Ho et al. 2020): per sample a step i uniform on {0, …, N−1} and noise ε ~ N(0, I)
 * (both from `rng`, before the model runs), then the per-sample losses of {@link ddpmLosses}, averaged. Needs a
 * model on the discrete DDPM chain (`DdpmSde`).
 *
 * @example
 * const loss = ddpmLoss(model, x0, rng); // mean over dimensions, as Ho et al.
 */
export function ddpmLoss(model: Denoiser, batch: ObjectiveBatch, rng: Rng, options: DdpmOptions = {}): tf.Scalar {
  const { training, ...rest } = options;
  const o = resolveDdpmOptions(rest);
  const { x, labels } = readBatch(batch, 'ddpm');
  const chain = discreteChain(checkDenoiser(model, 'ddpm'), 'ddpm');
  const steps = new Int32Array(x.shape[0]);
  for (let j = 0; j < steps.length; j++) steps[j] = rng.randint(0, chain.N);
  return tf.tidy(() => {
    const noise = rng.normal(x.shape);
    return tf.mean(ddpmLosses(model, x, steps, noise, o, modelCall(training, rng, labels))) as tf.Scalar;
  });
}
