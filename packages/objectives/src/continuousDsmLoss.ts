import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { Sde } from '@scorekit/sde';
import type { ModelCallOptions } from './DenoiserModel.js';
import type { Denoiser } from '@scorekit/sde';
import { LOSS_WEIGHTINGS, weightOverSigma2, type LossWeighting } from './LossWeighting.js';
import type { ObjectiveBatch } from './ObjectiveBatch.js';
import { REDUCTIONS, type Reduction } from './Reduction.js';
import { createTimeSampler, type TimeSampler } from './createTimeSampler.js';
import { checkData, checkPerSampleArray, checkSameShape, readBatch } from './internal/batch.js';
import { callDenoiser, checkDenoiser, modelCall, perturb, timeTensor } from './internal/models.js';
import { Problems, asRecord } from './internal/Problems.js';
import { reduceSquares } from './internal/reduce.js';

/** Options of {@link continuousDsmLoss}; defaults are score_sde's (`losses.py get_sde_loss_fn`). */
export interface ContinuousDsmOptions {
  /** λ(t): 'sigma2' (default), 'likelihood' (g²) or 'none' (1). */
  readonly weighting?: LossWeighting;
  /** Time cut-off η: t ∈ [eps, T], default 1e-5. */
  readonly eps?: number;
  /** Draw t ∝ λ(t)/σ(t)² with unbiased weights (see {@link createTimeSampler}), default false. */
  readonly importanceSampling?: boolean;
  /** Reduction over data dimensions, default 'sum' (½Σ, score_sde's reduce_mean = False). */
  readonly reduce?: Reduction;
  /** Passed to the model (default true); not a config option. */
  readonly training?: boolean;
}

/** {@link ContinuousDsmOptions} with every default filled in. */
export interface ResolvedContinuousDsmOptions {
  readonly weighting: LossWeighting;
  readonly eps: number;
  readonly importanceSampling: boolean;
  readonly reduce: Reduction;
}

/** The configurable option names (anything else in a config is an error). */
export const CONTINUOUS_DSM_OPTION_NAMES: readonly string[] = ['weighting', 'eps', 'importanceSampling', 'reduce'];

/** Validates and completes the options of continuous-time DSM, reporting every problem at once. */
export function resolveContinuousDsmOptions(options: unknown, T = 1): ResolvedContinuousDsmOptions {
  const p = new Problems('continuous-dsm');
  const o = asRecord('continuous-dsm', options);
  p.unknownKeys(o, CONTINUOUS_DSM_OPTION_NAMES);
  const resolved = {
    weighting: p.oneOf(o, 'weighting', 'sigma2', LOSS_WEIGHTINGS),
    eps: p.num(o, 'eps', 1e-5, (v) => v > 0 && v < T, `a number in (0, ${T})`),
    importanceSampling: p.bool(o, 'importanceSampling', false),
    reduce: p.oneOf(o, 'reduce', 'sum', REDUCTIONS),
  };
  p.throwIfAny();
  return resolved;
}

/** Options of {@link continuousDsmLosses}. */
export interface ContinuousDsmLossesOptions {
  readonly weighting?: LossWeighting;
  readonly reduce?: Reduction;
  /** Extra per-sample factors, e.g. a {@link TimeSampler}'s importance weights. */
  readonly timeWeights?: ArrayLike<number>;
}

/**
 * Per-sample continuous-time DSM at given times t ([n], float64) and noise z: x_t = α(t)·x₀ + σ(t)·z, and the loss
 * is λ(t)·reduce((s + z/σ)²) = (λ/σ²)·reduce((ε̂ − z)²), times `timeWeights` (score_sde `losses.py
 * get_sde_loss_fn`: ‖s·σ + z‖² for λ = σ², ‖s + z/σ‖²·g² for likelihood weighting). Written in ε̂, so it holds
 * for a model with any output parameterisation; λ/σ² is evaluated in float64.
 *
 * @example
 * const perSample = continuousDsmLosses(model, x0, [0.1, 0.5, 0.9], rng.normal(x0.shape), { weighting: 'likelihood' });
 */
export function continuousDsmLosses(
  model: Denoiser,
  x0: tf.Tensor,
  t: ArrayLike<number>,
  noise: tf.Tensor,
  options: ContinuousDsmLossesOptions = {},
  call: ModelCallOptions = {},
): tf.Tensor {
  const where = 'continuous-dsm';
  const sde = checkDenoiser(model, where);
  checkData(x0, where, 'x0');
  checkSameShape(x0, noise, where, 'x0', 'noise');
  const n = x0.shape[0];
  checkPerSampleArray(t, n, where, 't', (v) => v >= 0 && v <= sde.T && sde.sigma(v) > 0, `a time in [0, ${sde.T}] with σ(t) > 0`);
  if (options.timeWeights !== undefined) checkPerSampleArray(options.timeWeights, n, where, 'timeWeights', (v) => v >= 0, 'a number ≥ 0');
  const weighting = options.weighting ?? 'sigma2';
  if (!LOSS_WEIGHTINGS.includes(weighting)) {
    throw new Error(`${where}: unknown weighting '${String(weighting)}'. Allowed: ${LOSS_WEIGHTINGS.join(', ')}`);
  }
  const factor = new Float32Array(n);
  for (let i = 0; i < n; i++) factor[i] = weightOverSigma2(sde, weighting, t[i]) * (options.timeWeights?.[i] ?? 1);
  return tf.tidy(() => {
    const times = timeTensor(t);
    const xt = perturb(sde, x0, times, noise);
    const eps = callDenoiser(model, xt, times, call, 'eps', where);
    return tf.mul(reduceSquares(tf.sub(eps, noise), options.reduce ?? 'sum'), tf.tensor1d(factor));
  });
}

const samplers = new WeakMap<Sde, Map<string, TimeSampler>>();

function cachedSampler(sde: Sde, o: ResolvedContinuousDsmOptions): TimeSampler {
  let bySde = samplers.get(sde);
  if (!bySde) samplers.set(sde, (bySde = new Map()));
  const key = `${o.weighting}|${o.eps}|${o.importanceSampling}`;
  let sampler = bySde.get(key);
  if (!sampler) {
    sampler = createTimeSampler(sde, { weighting: o.weighting, eps: o.eps, importanceSampling: o.importanceSampling });
    bySde.set(key, sampler);
  }
  return sampler;
}

/**
 * Continuous-time denoising score matching for any SDE (Song et al. 2021, score_sde `get_sde_loss_fn`): t drawn on
 * [eps, T] (uniformly, or with importance sampling and unbiased weights), noise z ~ N(0, I) (both from `rng`,
 * before the model runs), then the per-sample losses of {@link continuousDsmLosses}, averaged. With importance
 * sampling the expectation is unchanged — unlike score_flow, which drops the constant normaliser of q.
 *
 * @example
 * const loss = continuousDsmLoss(model, x0, rng, { weighting: 'likelihood', importanceSampling: true });
 */
export function continuousDsmLoss(model: Denoiser, batch: ObjectiveBatch, rng: Rng, options: ContinuousDsmOptions = {}): tf.Scalar {
  const { training, ...rest } = options;
  const sde = checkDenoiser(model, 'continuous-dsm');
  const o = resolveContinuousDsmOptions(rest, sde.T);
  const { x, labels } = readBatch(batch, 'continuous-dsm');
  const { t, weights } = cachedSampler(sde, o).sample(x.shape[0], rng);
  return tf.tidy(() => {
    const noise = rng.normal(x.shape);
    const losses = continuousDsmLosses(model, x, t, noise, { ...o, timeWeights: weights }, modelCall(training, rng, labels));
    return tf.mean(losses) as tf.Scalar;
  });
}
