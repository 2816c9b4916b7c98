import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { ncsnSigmas } from '@scorekit/sde';
import type { ModelCallOptions } from './DenoiserModel.js';
import type { Denoiser } from '@scorekit/sde';
import type { ObjectiveBatch } from './ObjectiveBatch.js';
import { REDUCTIONS, type Reduction } from './Reduction.js';
import { checkData, checkPerSampleArray, checkSameShape, readBatch } from './internal/batch.js';
import { callDenoiser, checkDenoiser, modelCall, perturb, timeTensor } from './internal/models.js';
import { timesForNoiseLevels } from './internal/noiseLevels.js';
import { Problems, asRecord, show } from './internal/Problems.js';
import { reduceSquares } from './internal/reduce.js';

/** Options of {@link ncsnLoss}: the σ ladder, explicitly or as NCSN's geometric one. */
export interface NcsnOptions {
  /** The noise levels σ₁ … σ_L (any order). Give these or the geometric ladder's parameters, not both. */
  readonly sigmas?: readonly number[];
  /** Largest σ of the geometric ladder, default 1 (ermongroup/ncsn). */
  readonly sigmaBegin?: number;
  /** Smallest σ of the geometric ladder, default 0.01. */
  readonly sigmaEnd?: number;
  /** Number of levels L, default 10. */
  readonly levels?: number;
  /** Reduction over data dimensions, default 'sum' (½Σ, NCSN's). */
  readonly reduce?: Reduction;
  /** Passed to the model (default true); not a config option. */
  readonly training?: boolean;
}

/** {@link NcsnOptions} resolved to the explicit ladder. */
export interface ResolvedNcsnOptions {
  readonly sigmas: readonly number[];
  readonly reduce: Reduction;
}

/** The configurable option names (anything else in a config is an error). */
export const NCSN_OPTION_NAMES: readonly string[] = ['sigmas', 'sigmaBegin', 'sigmaEnd', 'levels', 'reduce'];

/** Validates and completes the options of the NCSN objective, reporting every problem at once. */
export function resolveNcsnOptions(options: unknown): ResolvedNcsnOptions {
  const p = new Problems('ncsn');
  const o = asRecord('ncsn', options);
  p.unknownKeys(o, NCSN_OPTION_NAMES);
  const reduce = p.oneOf(o, 'reduce', 'sum', REDUCTIONS);
  let sigmas: number[] = [];
  if (o.sigmas !== undefined) {
    const s = o.sigmas;
    if (!Array.isArray(s) || s.length === 0 || !s.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      p.issue('sigmas', `must be a non-empty array of numbers > 0, got ${show(s)}`, 'a non-empty array of numbers > 0');
    } else sigmas = [...s];
    const both = ['sigmaBegin', 'sigmaEnd', 'levels'].filter((k) => o[k] !== undefined);
    if (both.length > 0) p.issue('sigmas', `is given with ${both.join(', ')}: give either sigmas or ${both.join(', ')} (the geometric ladder), not both`, `sigmas alone, or ${both.join(', ')} alone`);
  } else {
    const sigmaBegin = p.num(o, 'sigmaBegin', 1, (v) => v > 0, 'a number > 0');
    const sigmaEnd = p.num(o, 'sigmaEnd', 0.01, (v) => v > 0, 'a number > 0');
    const levels = p.int(o, 'levels', 10, 2, 100000);
    if (!(sigmaBegin > sigmaEnd)) p.issue('sigmaBegin', `(${sigmaBegin}) must be larger than sigmaEnd (${sigmaEnd})`, `a number > sigmaEnd (${sigmaEnd})`);
    else sigmas = Array.from(ncsnSigmas({ sigmaBegin, sigmaEnd, levels }));
  }
  p.throwIfAny();
  return { sigmas, reduce };
}

/**
 * Per-sample NCSN loss for given per-sample noise levels σᵢ and standard-normal noise z: the model sees
 * x_t = α(t)·x + σ(t)·z at the time t where σ(t)/α(t) = σᵢ (on a VE SDE: x + σᵢz at σ(t) = σᵢ), and the loss is
 * σᵢ²·reduce((s + z/σᵢ)²) on the data scale, i.e. reduce((ε̂ − z)²) — ½σ²‖s − target‖² for 'sum'
 * (ermongroup/ncsn `anneal_dsm_score_estimation`, anneal_power 2).
 *
 * @example
 * const perSample = ncsnLosses(model, x, [1, 1, 0.1, 0.01], rng.normal(x.shape)); // n = 4
 */
export function ncsnLosses(
  model: Denoiser,
  x: tf.Tensor,
  noiseLevels: ArrayLike<number>,
  noise: tf.Tensor,
  options: { readonly reduce?: Reduction } = {},
  call: ModelCallOptions = {},
): tf.Tensor {
  const where = 'ncsn';
  const sde = checkDenoiser(model, where);
  checkData(x, where, 'x');
  checkSameShape(x, noise, where, 'x', 'noise');
  checkPerSampleArray(noiseLevels, x.shape[0], where, 'noiseLevels', (v) => v > 0, 'a number > 0');
  const reduce = options.reduce ?? 'sum';
  const times = timesForNoiseLevels(sde, noiseLevels, where);
  return tf.tidy(() => {
    const t = timeTensor(times);
    const xt = perturb(sde, x, t, noise);
    const eps = callDenoiser(model, xt, t, call, 'eps', where);
    return reduceSquares(tf.sub(eps, noise), reduce);
  });
}

/**
 * NCSN's multi-σ denoising score matching (Song & Ermon 2019) with σ² weighting: each sample gets a level drawn
 * uniformly from the ladder and fresh noise (both from `rng`, before the model runs); the per-sample losses of
 * {@link ncsnLosses} are averaged. score_sde `get_smld_loss_fn` is the same loss over the VE SDE's discrete σs.
 *
 * @example
 * const loss = ncsnLoss(model, x, rng, { sigmaBegin: 1, sigmaEnd: 0.01, levels: 10 });
 */
export function ncsnLoss(model: Denoiser, batch: ObjectiveBatch, rng: Rng, options: NcsnOptions = {}): tf.Scalar {
  const { training, ...rest } = options;
  const o = resolveNcsnOptions(rest);
  const { x, labels } = readBatch(batch, 'ncsn');
  checkDenoiser(model, 'ncsn');
  const n = x.shape[0];
  const levels = new Float64Array(n);
  for (let i = 0; i < n; i++) levels[i] = o.sigmas[rng.randint(0, o.sigmas.length)];
  return tf.tidy(() => {
    const noise = rng.normal(x.shape);
    return tf.mean(ncsnLosses(model, x, levels, noise, o, modelCall(training, rng, labels))) as tf.Scalar;
  });
}
