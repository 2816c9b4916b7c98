import * as tf from '@tensorflow/tfjs';
import { checkPerSample, perSample } from '@scorekit/core';
import type { Predictions, ScoreFn, Sde } from '@scorekit/sde';
import type { ApplyOptions, Network } from './Network.js';
import type { EnergyNetwork } from './networks/EnergyNetwork.js';
import { Problems, asRecord } from './internal/validate.js';

/**
 * What the network's output stands for, with x_t = α(t)·x₀ + σ(t)·ε:
 * - 'score': s ≈ ∇ log p_t (optionally NCSN-scaled: s = F/σ),
 * - 'eps': ε̂, s = −ε̂/σ (DDPM; score_sde's VP models),
 * - 'x0': x̂₀, s = −(x − αx̂₀)/σ²,
 * - 'v': v̂ = αε − σx₀ (Salimans & Ho 2022), x̂₀ = (αx − σv̂)/(α² + σ²),
 * - 'edm': Karras et al. 2022 preconditioning, D(x) = c_skip·x̃ + c_out·F(c_in·x̃, c_noise) with x̃ = x/α, σ̃ = σ/α.
 */
export type Parameterisation = 'score' | 'eps' | 'x0' | 'v' | 'edm';
export const PARAMETERISATIONS: readonly Parameterisation[] = ['score', 'eps', 'x0', 'v', 'edm'];

/**
 * The noise-conditioning input c_noise handed to the network, per sample:
 * 'time' t; 'time999' 999·t (score_sde continuous VP); 'sigma' σ(t); 'logSigma' ln σ(t) (NCSN++);
 * 'edm' ¼ ln(σ/α) (EDM c_noise).
 */
export type NoiseConditioning = 'time' | 'time999' | 'sigma' | 'logSigma' | 'edm';
export const NOISE_CONDITIONINGS: readonly NoiseConditioning[] = ['time', 'time999', 'sigma', 'logSigma', 'edm'];

/** Options of {@link createScoreModel}. Defaults depend on the SDE (see each field). */
export interface ScoreModelConfig {
  /** Default 'score' for VE (NCSN), 'eps' otherwise. */
  readonly parameterisation?: Parameterisation;
  /** Default 'edm' for EDM, 'logSigma' for VE, 'time999' otherwise. */
  readonly conditioning?: NoiseConditioning;
  /** NCSN output scaling s = F/σ (score parameterisation only). Default true for VE with 'score', else false. */
  readonly scaleBySigma?: boolean;
  /** EDM σ_data, default 0.5. */
  readonly sigmaData?: number;
}

export type ResolvedScoreModelConfig = Required<ScoreModelConfig>;

/** Resolves a score-model config against an SDE, reporting every problem at once (throws {@link ConfigError}). */
export function resolveScoreModelConfig(config: ScoreModelConfig, sde: Pick<Sde, 'name'>): ResolvedScoreModelConfig {
  const p = new Problems('scoreModel');
  const c = asRecord('scoreModel', config);
  p.unknownKeys(c, ['parameterisation', 'conditioning', 'scaleBySigma', 'sigmaData']);
  const ve = sde.name === 've';
  const parameterisation = p.oneOf(c, 'parameterisation', ve ? 'score' : 'eps', PARAMETERISATIONS);
  const edm = parameterisation === 'edm';
  const conditioning = p.oneOf(c, 'conditioning', edm ? 'edm' : ve ? 'logSigma' : 'time999', NOISE_CONDITIONINGS);
  const scaleBySigma = p.bool(c, 'scaleBySigma', ve && parameterisation === 'score');
  if (scaleBySigma && parameterisation !== 'score') {
    p.add(`scaleBySigma applies to the 'score' parameterisation only, not '${parameterisation}'`);
  }
  const sigmaData = p.num(c, 'sigmaData', 0.5, (v) => v > 0, 'a number > 0');
  p.throwIfAny();
  return { parameterisation, conditioning, scaleBySigma, sigmaData };
}

/** Options of the model's prediction methods: the network's apply options. */
export type PredictOptions = ApplyOptions;

/**
 * A network wrapped with an SDE, an output parameterisation and a noise-conditioning rule (see
 * {@link createScoreModel}).
 */
export interface ScoreModel {
  readonly network: Network;
  readonly sde: Sde;
  readonly config: ResolvedScoreModelConfig;
  /** c_noise for times t ([n]). */
  noiseConditioning(t: tf.Tensor): tf.Tensor;
  /** The raw prediction in the parameterisation's own terms (score, ε̂, x̂₀, v̂, or EDM's D(x) = x̂₀). */
  predict(x: tf.Tensor, t: tf.Tensor, options?: PredictOptions): tf.Tensor;
  /** What `predict` should equal for x_t = α·x₀ + σ·noise: the regression target of the parameterisation. */
  target(x0: tf.Tensor, noise: tf.Tensor, t: tf.Tensor): tf.Tensor;
  /** Converts a prediction at (x, t) to the score ∇ log p_t(x). */
  toScore(prediction: tf.Tensor, x: tf.Tensor, t: tf.Tensor): tf.Tensor;
  /** Converts a prediction at (x, t) to the denoised estimate x̂₀ = E[x₀ | x_t = x]. */
  toDenoised(prediction: tf.Tensor, x: tf.Tensor, t: tf.Tensor): tf.Tensor;
  /** Converts a prediction at (x, t) to the noise estimate ε̂. */
  toEps(prediction: tf.Tensor, x: tf.Tensor, t: tf.Tensor): tf.Tensor;
  /** The score s(x, t), whatever the network predicts. */
  score(x: tf.Tensor, t: tf.Tensor, options?: PredictOptions): tf.Tensor;
  /** x̂₀(x, t). */
  denoise(x: tf.Tensor, t: tf.Tensor, options?: PredictOptions): tf.Tensor;
  /** ε̂(x, t). */
  eps(x: tf.Tensor, t: tf.Tensor, options?: PredictOptions): tf.Tensor;
  /**
   * The prediction at (x, t) in all four parameterisations — score, ε̂, x̂₀ and v̂ = αε̂ − σx̂₀ — from one network
   * call: what the objectives' `DenoiserModel` interface asks for.
   */
  predictions(x: tf.Tensor, t: tf.Tensor, options?: PredictOptions): Predictions;
  /** A sampler-ready score function (evaluation mode; `labels` for conditional models). */
  scoreFn(options?: { labels?: tf.Tensor }): ScoreFn;
  /**
   * For energy networks with the 'score' parameterisation: the energy whose negative gradient is the score,
   * E(x, t) (divided by σ when scaleBySigma), per sample [n]; undefined otherwise.
   */
  readonly energy?: (x: tf.Tensor, t: tf.Tensor, options?: PredictOptions) => tf.Tensor;
}

/**
 * Wraps a network into a score model: noise conditioning (VP: c = 999·t as score_sde; VE: log σ or σ, with NCSN's
 * s = F/σ output scaling; EDM: c = ¼ ln σ), an output parameterisation, and conversions between score, ε̂, x̂₀ and
 * the raw prediction, so samplers get a score function whatever the network predicts.
 *
 * @example
 * const model = createScoreModel(createNetwork({ kind: 'mlp', dim: 2 }), new VpSde(), { parameterisation: 'eps' });
 * const loss = tf.mean(tf.square(tf.sub(model.predict(xt, t, { training: true, rng }), model.target(x0, z, t))));
 * const x = sampler.sample(model.scoreFn(), ...);
 */
export function createScoreModel(network: Network, sde: Sde, config: ScoreModelConfig = {}): ScoreModel {
  const cfg = resolveScoreModelConfig(config, sde);
  const { parameterisation, conditioning, scaleBySigma, sigmaData } = cfg;
  const sd2 = sigmaData * sigmaData;

  const coefficients = (t: tf.Tensor, like: tf.Tensor, name = 't') => {
    checkPerSample(t, like, name);
    const { alpha, sigma } = sde.marginalCoefficients(t);
    return { alpha, sigma, a: perSample(alpha, like), s: perSample(sigma, like) };
  };
  const conditioningFrom = (t: tf.Tensor, alpha: tf.Tensor, sigma: tf.Tensor): tf.Tensor => {
    switch (conditioning) {
      case 'time':
        return tf.clone(t); // never hand the caller's tensor back as a new result
      case 'time999':
        return tf.mul(t, 999); // score_sde models/utils.py get_score_fn (continuous VP)
      case 'sigma':
        return sigma;
      case 'logSigma':
        return tf.log(sigma); // score_sde models/ncsnpp.py: Fourier features of log σ
      case 'edm':
        return tf.mul(tf.log(tf.div(sigma, alpha)), 0.25); // edm training/networks.py EDMPrecond c_noise
    }
  };

  const predict = (x: tf.Tensor, t: tf.Tensor, options: PredictOptions = {}): tf.Tensor =>
    tf.tidy(() => {
      const { alpha, sigma, a, s } = coefficients(t, x);
      const c = conditioningFrom(t, alpha, sigma);
      if (parameterisation === 'edm') {
        // EDM on the scaled variable x̃ = x/α with noise level σ̃ = σ/α (Karras et al. 2022, Table 1 / eq. 7;
        // k-diffusion layers.py Denoiser).
        const sTilde = tf.div(s, a);
        const xTilde = tf.div(x, a);
        const denom = tf.add(tf.square(sTilde), sd2);
        const cSkip = tf.div(sd2, denom);
        const cOut = tf.div(tf.mul(sTilde, sigmaData), tf.sqrt(denom));
        const cIn = tf.rsqrt(denom);
        const F = network.apply(tf.mul(xTilde, cIn), c, options);
        return tf.add(tf.mul(cSkip, xTilde), tf.mul(cOut, F));
      }
      const F = network.apply(x, c, options);
      // score_sde models/ncsnpp.py scale_by_sigma: h = h / used_sigmas
      return parameterisation === 'score' && scaleBySigma ? tf.div(F, s) : F;
    });

  const target = (x0: tf.Tensor, noise: tf.Tensor, t: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const { a, s } = coefficients(t, x0);
      switch (parameterisation) {
        case 'score':
          return tf.neg(tf.div(noise, s));
        case 'eps':
          return noise;
        case 'x0':
        case 'edm':
          return x0;
        case 'v':
          return tf.sub(tf.mul(a, noise), tf.mul(s, x0)); // Salimans & Ho 2022, v = αε − σx₀
      }
    });

  const toDenoised = (pred: tf.Tensor, x: tf.Tensor, t: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const { a, s } = coefficients(t, x);
      switch (parameterisation) {
        case 'score': // Tweedie: x̂₀ = (x + σ²s)/α
          return tf.div(tf.add(x, tf.mul(tf.square(s), pred)), a);
        case 'eps':
          return tf.div(tf.sub(x, tf.mul(s, pred)), a);
        case 'x0':
        case 'edm':
          return pred;
        case 'v':
          return tf.div(tf.sub(tf.mul(a, x), tf.mul(s, pred)), tf.add(tf.square(a), tf.square(s)));
      }
    });

  const toEps = (pred: tf.Tensor, x: tf.Tensor, t: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const { a, s } = coefficients(t, x);
      switch (parameterisation) {
        case 'score':
          return tf.neg(tf.mul(s, pred));
        case 'eps':
          return pred;
        case 'x0':
        case 'edm':
          return tf.div(tf.sub(x, tf.mul(a, pred)), s);
        case 'v':
          return tf.div(tf.add(tf.mul(s, x), tf.mul(a, pred)), tf.add(tf.square(a), tf.square(s)));
      }
    });

  const toScore = (pred: tf.Tensor, x: tf.Tensor, t: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      if (parameterisation === 'score') return pred;
      const { s } = coefficients(t, x);
      return tf.neg(tf.div(toEps(pred, x, t), s)); // s = −ε̂/σ
    });

  const energyNet = network.kind === 'energy' ? (network as EnergyNetwork) : null;
  const energy =
    energyNet && parameterisation === 'score'
      ? (x: tf.Tensor, t: tf.Tensor, options: PredictOptions = {}): tf.Tensor =>
          tf.tidy(() => {
            const { alpha, sigma } = coefficients(t, x);
            const e = energyNet.energy(x, conditioningFrom(t, alpha, sigma), options);
            return scaleBySigma ? tf.div(e, sigma) : e;
          })
      : undefined;

  return {
    network,
    sde,
    config: cfg,
    noiseConditioning: (t) =>
      tf.tidy(() => {
        if (t.rank !== 1) throw new Error(`noiseConditioning: t must have shape [n], got [${t.shape.join(',')}]`);
        const { alpha, sigma } = sde.marginalCoefficients(t);
        return conditioningFrom(t, alpha, sigma);
      }),
    predict,
    target,
    toScore,
    toDenoised,
    toEps,
    score: (x, t, options) => tf.tidy(() => toScore(predict(x, t, options), x, t)),
    denoise: (x, t, options) => tf.tidy(() => toDenoised(predict(x, t, options), x, t)),
    eps: (x, t, options) => tf.tidy(() => toEps(predict(x, t, options), x, t)),
    predictions: (x, t, options) =>
      tf.tidy(() => {
        const pred = predict(x, t, options);
        const { a, s } = coefficients(t, x);
        const eps = toEps(pred, x, t);
        const x0 = toDenoised(pred, x, t);
        const score = parameterisation === 'score' ? tf.clone(pred) : tf.neg(tf.div(eps, s));
        return { score, eps, x0, v: tf.sub(tf.mul(a, eps), tf.mul(s, x0)) };
      }),
    scoreFn: (options = {}) => (x: tf.Tensor, t: tf.Tensor) => tf.tidy(() => toScore(predict(x, t, { labels: options.labels }), x, t)),
    energy,
  };
}
