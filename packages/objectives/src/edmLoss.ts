import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { ModelCallOptions } from './DenoiserModel.js';
import type { Denoiser } from '@scorekit/sde';
import type { ObjectiveBatch } from './ObjectiveBatch.js';
import { REDUCTIONS, type Reduction } from './Reduction.js';
import { edmPreconditioning } from '@scorekit/sde';
import { checkData, checkPerSampleArray, checkSameShape, readBatch } from './internal/batch.js';
import { callDenoiser, checkDenoiser, modelCall, perturb, timeTensor } from './internal/models.js';
import { fmt, noiseRatioRange, timesForNoiseLevels } from './internal/noiseLevels.js';
import { Problems, asRecord } from './internal/Problems.js';
import { reduceSquares } from './internal/reduce.js';

/** Options of {@link edmLoss}; defaults are EDM's (NVlabs/edm `training/loss.py EDMLoss`). */
export interface EdmOptions {
  /** Mean of ln σ, default −1.2. */
  readonly pMean?: number;
  /** Standard deviation of ln σ, default 1.2. */
  readonly pStd?: number;
  /** σ_data in the weight (σ² + σ_d²)/(σσ_d)², default 0.5. */
  readonly sigmaData?: number;
  /** Reduction over data dimensions, default 'mean' (k-diffusion; 'sum' is ½Σ, half of EDM's plain sum). */
  readonly reduce?: Reduction;
  /** Passed to the model (default true); not a config option. */
  readonly training?: boolean;
}

/** {@link EdmOptions} with every default filled in. */
export interface ResolvedEdmOptions {
  readonly pMean: number;
  readonly pStd: number;
  readonly sigmaData: number;
  readonly reduce: Reduction;
}

/** The configurable option names (anything else in a config is an error). */
export const EDM_OPTION_NAMES: readonly string[] = ['pMean', 'pStd', 'sigmaData', 'reduce'];

/** Validates and completes the options of the EDM objective, reporting every problem at once. */
export function resolveEdmOptions(options: unknown): ResolvedEdmOptions {
  const p = new Problems('edm');
  const o = asRecord('edm', options);
  p.unknownKeys(o, EDM_OPTION_NAMES);
  const resolved = {
    pMean: p.num(o, 'pMean', -1.2, () => true, 'a finite number'),
    pStd: p.num(o, 'pStd', 1.2, (v) => v > 0, 'a number > 0'),
    sigmaData: p.num(o, 'sigmaData', 0.5, (v) => v > 0, 'a number > 0'),
    reduce: p.oneOf(o, 'reduce', 'mean', REDUCTIONS),
  };
  p.throwIfAny();
  return resolved;
}

/**
 * Per-sample EDM loss for given noise levels σᵢ (on the data scale) and noise z: the model sees
 * x_t = α(t)·x₀ + σ(t)·z at the time where σ(t)/α(t) = σᵢ (on a VE SDE x₀ + σᵢz, EDM's own y + n), and the loss
 * is λ(σᵢ)·reduce((x̂₀ − x₀)²) with λ = (σᵢ² + σ_d²)/(σᵢσ_d)² (NVlabs/edm `training/loss.py EDMLoss`). For a
 * model with EDM preconditioning this is reduce((F − (x₀ − c_skip·x̃)/c_out)²), x̃ = x_t/α.
 *
 * @example
 * const perSample = edmLosses(model, x0, [0.1, 1, 10], rng.normal(x0.shape)); // n = 3
 */
export function edmLosses(
  model: Denoiser,
  x0: tf.Tensor,
  noiseLevels: ArrayLike<number>,
  noise: tf.Tensor,
  options: { readonly sigmaData?: number; readonly reduce?: Reduction } = {},
  call: ModelCallOptions = {},
): tf.Tensor {
  const where = 'edm';
  const sde = checkDenoiser(model, where);
  checkData(x0, where, 'x0');
  checkSameShape(x0, noise, where, 'x0', 'noise');
  const n = x0.shape[0];
  checkPerSampleArray(noiseLevels, n, where, 'noiseLevels', (v) => v > 0, 'a number > 0');
  const sigmaData = options.sigmaData ?? 0.5;
  const weights = new Float32Array(n);
  for (let i = 0; i < n; i++) weights[i] = edmPreconditioning(noiseLevels[i], sigmaData).weight;
  const times = timesForNoiseLevels(sde, noiseLevels, where);
  return tf.tidy(() => {
    const t = timeTensor(times);
    const xt = perturb(sde, x0, t, noise);
    const x0Hat = callDenoiser(model, xt, t, call, 'x0', where);
    return tf.mul(reduceSquares(tf.sub(x0Hat, x0), options.reduce ?? 'mean'), tf.tensor1d(weights));
  });
}

/**
 * EDM training (Karras et al. 2022): ln σ ~ N(P_mean, P_std²) per sample and noise z ~ N(0, I) (both from `rng`,
 * before the model runs), then the per-sample losses of {@link edmLosses}, averaged. σ is confined to the range
 * the model's SDE reaches, [σ(0)/α(0), σ(T)/α(T)], by redrawing outside it (a truncated log-normal: on the default
 * VE SDE the 0.2% of draws below σ_min = 0.01 are redrawn; VP reaches every σ EDM draws).
 *
 * @example
 * const loss = edmLoss(model, x0, rng); // P_mean −1.2, P_std 1.2, σ_data 0.5
 */
export function edmLoss(model: Denoiser, batch: ObjectiveBatch, rng: Rng, options: EdmOptions = {}): tf.Scalar {
  const { training, ...rest } = options;
  const o = resolveEdmOptions(rest);
  const { x, labels } = readBatch(batch, 'edm');
  const sde = checkDenoiser(model, 'edm');
  const [lo, hi] = noiseRatioRange(sde);
  const logLo = lo > 0 ? Math.log(lo) : -Infinity;
  const logHi = Math.log(hi);
  const n = x.shape[0];
  const levels = new Float64Array(n);
  let pending = Array.from({ length: n }, (_, i) => i);
  for (let round = 0; pending.length > 0; round++) {
    if (round >= 1000) {
      throw new Error(
        `edm: ln σ ~ N(${o.pMean}, ${o.pStd}²) puts almost no mass inside the noise range [${fmt(lo)}, ${fmt(hi)}] of the model's '${sde.name}' SDE; adjust pMean/pStd or the SDE`,
      );
    }
    const z = rng.normalArray(pending.length);
    pending = pending.filter((i, k) => {
      const logSigma = o.pMean + o.pStd * z[k];
      if (!(logSigma > logLo && logSigma < logHi)) return true;
      levels[i] = Math.exp(logSigma);
      return false;
    });
  }
  return tf.tidy(() => {
    const noise = rng.normal(x.shape);
    return tf.mean(edmLosses(model, x, levels, noise, o, modelCall(training, rng, labels))) as tf.Scalar;
  });
}
