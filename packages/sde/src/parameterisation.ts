import * as tf from '@tensorflow/tfjs-core';
import { perSample } from '@scorekit/core';

/**
 * What a network's raw output stands for, with x_t = α(t)·x₀ + σ(t)·ε:
 * - 'score': s ≈ ∇ₓ log p_t(x) = −ε/σ,
 * - 'eps': ε̂ (DDPM; score_sde's VP models),
 * - 'x0': x̂₀ = E[x₀ | x_t],
 * - 'v': v̂ = α·ε − σ·x₀ (Salimans & Ho 2022),
 * - 'edm': EDM's preconditioned network, D = c_skip·x̃ + c_out·F(c_in·x̃, c_noise) = x̂₀ on x̃ = x/α, σ̃ = σ/α
 *   (Karras et al. 2022, Table 1): see {@link edmPreconditioning} and {@link edmInput}/{@link edmOutput}.
 */
export type Parameterisation = 'score' | 'eps' | 'x0' | 'v' | 'edm';
/** Every {@link Parameterisation}. */
export const PARAMETERISATIONS: readonly Parameterisation[] = ['score', 'eps', 'x0', 'v', 'edm'];

/** The quantities a prediction can be read as (EDM's output is an x₀ prediction). */
export type PredictionKind = Exclude<Parameterisation, 'edm'>;
/** Every {@link PredictionKind}. */
export const PREDICTION_KINDS: readonly PredictionKind[] = ['score', 'eps', 'x0', 'v'];

/** α or σ per sample: a float64 number shared by the batch, or an [n] tensor. */
export type Coefficient = number | tf.Tensor;

/**
 * One prediction at (x, t), readable as every parameterisation. Only `raw` was computed by the model; each other
 * field is derived on access — a few elementwise ops in the caller's `tf.tidy` scope (a new tensor per access,
 * except the field of the prediction's own kind, which is `raw`). Tweedie's formula links them: score = −ε/σ and
 * x₀ = (x + σ²·score)/α; for v (exact for any α, σ): x₀ = (α·x − σ·v)/(α² + σ²), ε = (σ·x + α·v)/(α² + σ²).
 */
export interface Prediction {
  /** Which quantity `raw` is. */
  readonly kind: PredictionKind;
  /** The model's output, in its own kind. */
  readonly raw: tf.Tensor;
  /** The state the prediction was made at. */
  readonly x: tf.Tensor;
  /** α(t) and σ(t): numbers (one time for the batch, float64) or [n] tensors. */
  readonly alpha: Coefficient;
  readonly sigma: Coefficient;
  /** ∇ₓ log p_t(x). */
  readonly score: tf.Tensor;
  /** The noise ε in x = α·x₀ + σ·ε. */
  readonly eps: tf.Tensor;
  /** The clean data x̂₀ (the denoiser's output). */
  readonly x0: tf.Tensor;
  /** The velocity v = α·ε − σ·x₀. */
  readonly v: tf.Tensor;
}

/**
 * Reads a raw prediction of one kind as every parameterisation, for x = α·x₀ + σ·ε with per-sample α, σ ([n]
 * tensors) or one float64 α, σ for the whole batch. This module is the only place the conversions are written.
 *
 * @example
 * const p = predictionFrom('eps', epsHat, x, alpha, sigma);
 * const x0 = p.x0; // (x − σ·ε̂)/α, computed now
 */
export function predictionFrom(kind: PredictionKind, raw: tf.Tensor, x: tf.Tensor, alpha: Coefficient, sigma: Coefficient): Prediction {
  if (!PREDICTION_KINDS.includes(kind)) {
    throw new Error(`Unknown prediction kind '${String(kind)}'. Allowed: ${PREDICTION_KINDS.join(', ')}`);
  }
  if (!(raw instanceof tf.Tensor) || raw.shape.join(',') !== x.shape.join(',')) {
    const got = raw instanceof tf.Tensor ? `[${raw.shape.join(',')}]` : String(raw);
    throw new Error(`A '${kind}' prediction must be a tensor shaped like x [${x.shape.join(',')}]; got ${got}`);
  }
  return new DerivedPrediction(kind, raw, x, alpha, sigma);
}

// A class, so that the derived fields are prototype getters: tf.tidy and tf.dispose walk only own enumerable
// properties (kind, raw, x, alpha, sigma), never computing what nobody asked for.
class DerivedPrediction implements Prediction {
  constructor(
    readonly kind: PredictionKind,
    readonly raw: tf.Tensor,
    readonly x: tf.Tensor,
    readonly alpha: Coefficient,
    readonly sigma: Coefficient,
  ) {}

  get x0(): tf.Tensor {
    const { kind, raw, x } = this;
    if (kind === 'x0') return raw;
    return tf.tidy(() => {
      const a = broadcast(this.alpha, x);
      const s = broadcast(this.sigma, x);
      if (kind === 'eps') return tf.div(tf.sub(x, tf.mul(raw, s)), a);
      if (kind === 'score') return tf.div(tf.add(x, tf.mul(raw, square(s))), a); // Tweedie: (x + σ²s)/α
      return tf.div(tf.sub(tf.mul(x, a), tf.mul(raw, s)), add(square(a), square(s)));
    });
  }

  get eps(): tf.Tensor {
    const { kind, raw, x } = this;
    if (kind === 'eps') return raw;
    return tf.tidy(() => {
      const a = broadcast(this.alpha, x);
      const s = broadcast(this.sigma, x);
      if (kind === 'x0') return tf.div(tf.sub(x, tf.mul(raw, a)), s);
      if (kind === 'score') return tf.mul(raw, negate(s));
      return tf.div(tf.add(tf.mul(x, s), tf.mul(raw, a)), add(square(a), square(s)));
    });
  }

  get score(): tf.Tensor {
    const { kind, raw, x } = this;
    if (kind === 'score') return raw;
    return tf.tidy(() => {
      const s = broadcast(this.sigma, x);
      // An x₀ model's score straight from x̂₀, −(x − α·x̂₀)/σ², without the detour through ε.
      if (kind === 'x0') return tf.div(tf.sub(tf.mul(raw, broadcast(this.alpha, x)), x), square(s));
      return tf.div(this.eps, negate(s));
    });
  }

  get v(): tf.Tensor {
    if (this.kind === 'v') return this.raw;
    return tf.tidy(() => tf.sub(tf.mul(this.eps, broadcast(this.alpha, this.x)), tf.mul(this.x0, broadcast(this.sigma, this.x))));
  }
}

// Number coefficients stay float64 until they meet a tensor (σ² of a number is squared before the cast).
function square(c: tf.Tensor | number): tf.Tensor | number {
  return typeof c === 'number' ? c * c : tf.square(c);
}

function add(a: tf.Tensor | number, b: tf.Tensor | number): tf.Tensor | number {
  return typeof a === 'number' && typeof b === 'number' ? a + b : tf.add(a, b);
}

function negate(c: tf.Tensor | number): tf.Tensor | number {
  return typeof c === 'number' ? -c : tf.neg(c);
}

/**
 * The regression target of a parameterisation for x_t = α·x₀ + σ·noise: what a model's raw output should equal
 * (score −noise/σ, ε, x₀ — also for EDM's D — or v = α·noise − σ·x₀).
 *
 * @example
 * const loss = tf.mean(tf.square(tf.sub(model.predict(xt, t).raw, regressionTarget('v', x0, z, alpha, sigma))));
 */
export function regressionTarget(kind: Parameterisation, x0: tf.Tensor, noise: tf.Tensor, alpha: Coefficient, sigma: Coefficient): tf.Tensor {
  return tf.tidy(() => {
    switch (kind) {
      case 'score':
        return tf.neg(tf.div(noise, broadcast(sigma, x0)));
      case 'eps':
        return tf.clone(noise);
      case 'x0':
      case 'edm':
        return tf.clone(x0);
      case 'v':
        return tf.sub(tf.mul(broadcast(alpha, x0), noise), tf.mul(broadcast(sigma, x0), x0));
    }
  });
}

/** EDM's preconditioning coefficients and loss weight at one noise level. */
export interface EdmPreconditioning {
  /** σ_d²/(σ² + σ_d²). */
  readonly cSkip: number;
  /** σ·σ_d/√(σ² + σ_d²). */
  readonly cOut: number;
  /** 1/√(σ² + σ_d²). */
  readonly cIn: number;
  /** ¼ ln σ. */
  readonly cNoise: number;
  /** λ(σ) = (σ² + σ_d²)/(σ·σ_d)² = 1/c_out². */
  readonly weight: number;
}

/**
 * Karras et al. 2022 (EDM, Table 1) preconditioning for a denoiser D(x; σ) = c_skip·x + c_out·F(c_in·x; c_noise),
 * and the loss weight λ(σ) that makes λ‖D − x₀‖² = ‖F − (x₀ − c_skip·x)/c_out‖² — unit-variance targets for F
 * (NVlabs/edm `training/networks.py EDMPrecond`, `training/loss.py EDMLoss`; k-diffusion `layers.py Denoiser`).
 *
 * @example
 * const { cSkip, cOut, weight } = edmPreconditioning(0.3); // σ_data 0.5
 */
export function edmPreconditioning(sigma: number, sigmaData = 0.5): EdmPreconditioning {
  if (typeof sigma !== 'number' || !(sigma > 0) || !Number.isFinite(sigma)) {
    throw new Error(`edmPreconditioning: sigma must be a number > 0; got ${sigma}`);
  }
  if (typeof sigmaData !== 'number' || !(sigmaData > 0) || !Number.isFinite(sigmaData)) {
    throw new Error(`edmPreconditioning: sigmaData must be a number > 0; got ${sigmaData}`);
  }
  const total = sigma * sigma + sigmaData * sigmaData;
  return {
    cSkip: (sigmaData * sigmaData) / total,
    cOut: (sigma * sigmaData) / Math.sqrt(total),
    cIn: 1 / Math.sqrt(total),
    cNoise: 0.25 * Math.log(sigma),
    weight: total / (sigma * sigmaData) ** 2,
  };
}

/**
 * The network input of an EDM-preconditioned model at x = α·x₀ + σ·ε: c_in·x̃ with x̃ = x/α and σ̃ = σ/α
 * (EDM's scaled variable), and its noise input c_noise = ¼ ln σ̃ ([n]; needs α, σ as [n] tensors).
 */
export function edmInput(x: tf.Tensor, alpha: tf.Tensor, sigma: tf.Tensor, sigmaData: number): { input: tf.Tensor; cNoise: tf.Tensor } {
  return tf.tidy(() => {
    const sTilde = tf.div(sigma, alpha);
    const cIn = tf.rsqrt(tf.add(tf.square(sTilde), sigmaData * sigmaData));
    return { input: tf.mul(tf.div(x, broadcast(alpha, x)), broadcast(cIn, x)), cNoise: tf.mul(tf.log(sTilde), 0.25) };
  });
}

/** EDM's output D = c_skip·x̃ + c_out·F = x̂₀ from the network output F at x (see {@link edmInput}). */
export function edmOutput(F: tf.Tensor, x: tf.Tensor, alpha: tf.Tensor, sigma: tf.Tensor, sigmaData: number): tf.Tensor {
  return tf.tidy(() => {
    const a = broadcast(alpha, x);
    const sTilde = tf.div(broadcast(sigma, x), a);
    const denom = tf.add(tf.square(sTilde), sigmaData * sigmaData);
    const cSkip = tf.div(sigmaData * sigmaData, denom);
    const cOut = tf.div(tf.mul(sTilde, sigmaData), tf.sqrt(denom));
    return tf.add(tf.mul(cSkip, tf.div(x, a)), tf.mul(cOut, F));
  });
}

function broadcast(c: Coefficient, like: tf.Tensor): tf.Tensor | number {
  return typeof c === 'number' ? c : perSample(c, like);
}

/**
 * `tf.tidy` for code that returns a {@link Prediction}: intermediates are freed, and the prediction's own tensors
 * (raw, α, σ, and x when made inside) survive, so its derived fields can be read afterwards.
 *
 * @example
 * const p = tidyPrediction(() => predictionFrom('eps', net(x), x, alpha, sigma));
 */
export function tidyPrediction(fn: () => Prediction): Prediction {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as Prediction;
}
