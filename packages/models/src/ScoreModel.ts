import * as tf from '@tensorflow/tfjs-core';
import { checkPerSample, perSample } from '@scorekit/core';
import {
  PARAMETERISATIONS,
  edmInput,
  edmOutput,
  predictionFrom,
  regressionTarget,
  tidyPrediction,
  timeCoefficients,
  type Denoiser,
  type Parameterisation,
  type Prediction,
  type ScoreFn,
  type Sde,
} from '@scorekit/sde';
import type { ApplyOptions, Network } from './Network.js';
import type { EnergyNetwork } from './networks/EnergyNetwork.js';
import { withVariantName } from '@scorekit/core';
import { Problems, asRecord } from './internal/validate.js';

/**
 * The noise-conditioning input c_noise handed to the network, per sample:
 * 'time' t; 'time999' 999·t (score_sde continuous VP); 'sigma' σ(t); 'logSigma' ln σ(t) (NCSN++);
 * 'edm' ¼ ln(σ/α) (EDM c_noise).
 */
export type NoiseConditioning = 'time' | 'time999' | 'sigma' | 'logSigma' | 'edm';
export const NOISE_CONDITIONINGS: readonly NoiseConditioning[] = ['time', 'time999', 'sigma', 'logSigma', 'edm'];

/** Options of {@link createScoreModel}. Defaults depend on the SDE (see each field). */
export interface ScoreModelConfig {
  /** The output parameterisation: default 'score' for VE (NCSN), 'eps' otherwise. */
  readonly name?: Parameterisation;
  /** @deprecated The older spelling of `name`, still read from saved configs. */
  readonly parameterisation?: Parameterisation;
  /** Default 'edm' for EDM, 'logSigma' for VE, 'time999' otherwise. */
  readonly conditioning?: NoiseConditioning;
  /** NCSN output scaling s = F/σ (score parameterisation only). Default true for VE with 'score', else false. */
  readonly scaleBySigma?: boolean;
  /** EDM σ_data, default 0.5. */
  readonly sigmaData?: number;
}

export type ResolvedScoreModelConfig = Required<Omit<ScoreModelConfig, 'parameterisation'>>;

/** The older spelling of a score-model config's `name`, still read so that run folders saved before load. */
export const SCORE_MODEL_NAME_ALIASES = ['parameterisation'] as const;

/** Resolves a score-model config against an SDE, reporting every problem at once (throws {@link ConfigError}). */
export function resolveScoreModelConfig(config: ScoreModelConfig, sde: Pick<Sde, 'name'>): ResolvedScoreModelConfig {
  const p = new Problems('scoreModel');
  const given = asRecord('scoreModel', config);
  const named = withVariantName(given, SCORE_MODEL_NAME_ALIASES);
  if (!named.ok) for (const i of named.issues) p.issue(i.path, i.problem, i.allowed);
  const c = named.ok ? named.value : { ...given, name: undefined, parameterisation: undefined };
  p.unknownKeys(c, ['name', 'conditioning', 'scaleBySigma', 'sigmaData', ...(named.ok ? [] : SCORE_MODEL_NAME_ALIASES)]);
  const ve = sde.name === 've';
  const parameterisation = p.oneOf(c, 'name', ve ? 'score' : 'eps', PARAMETERISATIONS);
  const edm = parameterisation === 'edm';
  const conditioning = p.oneOf(c, 'conditioning', edm ? 'edm' : ve ? 'logSigma' : 'time999', NOISE_CONDITIONINGS);
  const scaleBySigma = p.bool(c, 'scaleBySigma', ve && parameterisation === 'score');
  if (scaleBySigma && parameterisation !== 'score') {
    p.issue('scaleBySigma', `applies to the 'score' parameterisation only, not '${parameterisation}'`, `false for '${parameterisation}'`);
  }
  const sigmaData = p.num(c, 'sigmaData', 0.5, (v) => v > 0, 'a number > 0');
  p.throwIfAny();
  return { name: parameterisation, conditioning, scaleBySigma, sigmaData };
}

/** Options of the model's prediction methods: the network's apply options. */
export type PredictOptions = ApplyOptions;

/**
 * A network wrapped with an SDE, an output parameterisation and a noise-conditioning rule (see
 * {@link createScoreModel}): a {@link Denoiser} whose `predict` makes one network call and reads its output through
 * `@scorekit/sde`'s parameterisation module (an EDM model's prediction is its denoiser output D = x̂₀).
 */
export interface ScoreModel extends Denoiser {
  readonly network: Network;
  readonly config: ResolvedScoreModelConfig;
  /** c_noise for times t ([n]). */
  noiseConditioning(t: tf.Tensor): tf.Tensor;
  /** One network call at (x, t); `.raw` is the output in the parameterisation's own terms (EDM: D = x̂₀). */
  predict(x: tf.Tensor, t: tf.Tensor | number, options?: PredictOptions): Prediction;
  /** What `predict(...).raw` should equal for x_t = α·x₀ + σ·noise: the regression target of the parameterisation. */
  target(x0: tf.Tensor, noise: tf.Tensor, t: tf.Tensor): tf.Tensor;
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
 * const model = createScoreModel(createNetwork({ name: 'mlp', dim: 2 }), new VpSde(), { name: 'eps' });
 * const loss = tf.mean(tf.square(tf.sub(model.predict(xt, t, { training: true, rng }), model.target(x0, z, t))));
 * const x = sampler.sample(model.scoreFn(), ...);
 */
export function createScoreModel(network: Network, sde: Sde, config: ScoreModelConfig = {}): ScoreModel {
  const cfg = resolveScoreModelConfig(config, sde);
  const { name: parameterisation, conditioning, scaleBySigma, sigmaData } = cfg;
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

  const predict = (x: tf.Tensor, t: tf.Tensor | number, options: PredictOptions = {}): Prediction =>
    tidyPrediction(() => {
      const { tVec, alpha, sigma } = timeCoefficients(sde, t, x);
      // The network sees float32 [n] coefficients; the prediction reads the float64 ones when t is one number.
      const coeff = typeof t === 'number' ? sde.marginalCoefficients(tVec) : { alpha: alpha as tf.Tensor, sigma: sigma as tf.Tensor };
      const c = conditioningFrom(tVec, coeff.alpha, coeff.sigma);
      if (parameterisation === 'edm') {
        // EDM on the scaled variable x̃ = x/α with noise level σ̃ = σ/α (Karras et al. 2022, Table 1 / eq. 7).
        const { input } = edmInput(x, coeff.alpha, coeff.sigma, sigmaData);
        const D = edmOutput(network.apply(input, c, options), x, coeff.alpha, coeff.sigma, sigmaData);
        return predictionFrom('x0', D, x, alpha, sigma);
      }
      const F = network.apply(x, c, options);
      // score_sde models/ncsnpp.py scale_by_sigma: h = h / used_sigmas
      const raw = parameterisation === 'score' && scaleBySigma ? tf.div(F, perSample(coeff.sigma, x)) : F;
      return predictionFrom(parameterisation, raw, x, alpha, sigma);
    });

  const target = (x0: tf.Tensor, noise: tf.Tensor, t: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const { alpha, sigma } = timeCoefficients(sde, t, x0);
      return regressionTarget(parameterisation, x0, noise, alpha, sigma);
    });

  const energyNet = network.kind === 'energy' ? (network as EnergyNetwork) : null;
  const energy =
    energyNet && parameterisation === 'score'
      ? (x: tf.Tensor, t: tf.Tensor, options: PredictOptions = {}): tf.Tensor =>
          tf.tidy(() => {
            checkPerSample(t, x, 't');
            const { alpha, sigma } = sde.marginalCoefficients(t);
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
    scoreFn: (options = {}) => (x: tf.Tensor, t: tf.Tensor) => tf.tidy(() => predict(x, t, { labels: options.labels }).score),
    energy,
  };
}
