import * as tf from '@tensorflow/tfjs-core';
import { karrasSigmas } from '@scorekit/sde';
import type { Sampler } from '../Sampler.js';
import { defineSampler, type SamplerProgram } from '../internal/defineSampler.js';
import { described, integerAtLeast, nonNegative, nonNegativeOrInfinity, type OptionSpec, positive, readOptions } from '../internal/options.js';
import type { SamplingRun } from '../internal/run.js';

/** Options of {@link edmHeunSampler}; defaults are NVlabs/edm generate.py's. */
export interface EdmHeunOptions {
  /** Number of noise levels n (default 18 → 35 NFE with denoise). */
  readonly steps?: number;
  /** Smallest σ/α, default max(0.002, σ/α at the SDE's sampling eps). */
  readonly sigmaMin?: number;
  /** Largest σ/α, default min(80, σ/α at T). */
  readonly sigmaMax?: number;
  /** Karras schedule exponent ρ, default 7. */
  readonly rho?: number;
  /** Stochasticity S_churn, default 0 (deterministic). */
  readonly churn?: number;
  /** Churn only for σ in [sTmin, sTmax], defaults 0 and ∞. */
  readonly sTmin?: number;
  readonly sTmax?: number;
  /** Noise inflation S_noise, default 1. */
  readonly sNoise?: number;
}

/** The options of `edm-heun` with their checks and one-line help (the CLI derives its flags from it). */
export const EDM_HEUN_OPTION_SPEC: OptionSpec<EdmHeunOptions> = {
  steps: described(integerAtLeast(1), 'number of Karras noise levels (2·steps − 1 NFE)'),
  sigmaMin: described(positive, 'smallest σ/α (default max(0.002, σ/α at eps))'),
  sigmaMax: described(positive, 'largest σ/α (default min(80, σ/α at T))'),
  rho: described(positive, 'Karras schedule exponent ρ'),
  churn: described(nonNegative, 'stochasticity S_churn (0 deterministic)'),
  sTmin: described(nonNegative, 'churn only for σ ≥ this'),
  sTmax: described(nonNegativeOrInfinity, 'churn only for σ ≤ this (default Infinity)'),
  sNoise: described(positive, 'noise inflation S_noise'),
};

/**
 * EDM's Heun sampler (Karras et al. 2022, Algorithm 2; NVlabs/edm generate.py `edm_sampler`) on any linear SDE,
 * in the scaled variable x̄ = x/α with noise level σ̄ = σ/α, the denoiser D(x̄; σ̄) = x̂₀ read in σ̄ directly where
 * the denoiser offers it (`predictAtNoise`), else at t = `sde.timeForNoiseRatio(σ̄)`; Karras levels σ̄_i (ρ = 7, a
 * float64 grid, as k-diffusion's sample_heun) followed by 0. dx̄/dσ̄ = (x̄ − D)/σ̄; Euler step plus
 * Heun's correction, skipped on the last step to σ̄ = 0 — 18 levels = 35 NFE. Optional churn adds noise to raise σ̄
 * by γ = min(S_churn/n, √2 − 1) first. `denoise` (default true) keeps that last step to σ̄ = 0; false stops at
 * σ_min (one evaluation less).
 *
 * @example
 * const { samples, nfe } = await edmHeunSampler({ steps: 10 }).run({ score, sde: new VpSde(), shape: [1000, 2], seed: 0 });
 * // nfe === 19
 */
export function edmHeunSampler(options: EdmHeunOptions = {}): Sampler {
  const o = readOptions<EdmHeunOptions>('edm-heun', options, EDM_HEUN_OPTION_SPEC);
  const r = { steps: 18, rho: 7, churn: 0, sTmin: 0, sTmax: Infinity, sNoise: 1, ...o };
  return defineSampler('edm-heun', r, (run) => edm(run, r));
}

function edm(run: SamplingRun, r: EdmHeunOptions & { steps: number; rho: number; churn: number; sTmin: number; sTmax: number; sNoise: number }): SamplerProgram {
  const sde = run.sde;
  const ratio = (t: number) => sde.sigma(t) / sde.alpha(t);
  const lo = ratio(sde.samplingEps);
  const hi = ratio(sde.T);
  const sigmaMin = r.sigmaMin ?? Math.max(0.002, lo);
  const sigmaMax = r.sigmaMax ?? Math.min(80, hi);
  if (!(sigmaMin >= lo * (1 - 1e-6) && sigmaMax <= hi * (1 + 1e-6) && sigmaMin < sigmaMax)) {
    throw new Error(`edm-heun: need σ/α levels within the SDE's range [${lo}, ${hi}] with sigmaMin < sigmaMax; got sigmaMin ${sigmaMin}, sigmaMax ${sigmaMax}`);
  }
  // The grid and every step size are float64 host numbers in σ̄, as k-diffusion's sample_heun works in σ; times
  // are computed only to report where the run is (trajectories, callbacks), never fed back into the numbers.
  const sigmas = Array.from(karrasSigmas(r.steps, { sigmaMin, sigmaMax, rho: r.rho }));
  if (!run.denoise(true)) sigmas.pop();
  const intervals = sigmas.length - 1;
  const gammaMax = Math.min(r.churn / r.steps, Math.SQRT2 - 1);
  const timeOf = (s: number) => (s === 0 ? 0 : sde.timeForNoiseRatio(Math.min(s, hi)));
  // Trajectories and callbacks see x = α·x̄, the SDE's variable, like every other sampler's.
  const alphaAt = (sbar: number) => (sbar === 0 ? 1 : sde.alpha(timeOf(sbar)));
  // D(x̄; σ̄): the denoiser's own σ̄ path where it has one, else x̂₀ at x = α·x̄, t = t(σ̄).
  const denoised = (xbar: tf.Tensor, sbar: number) => run.predictAtNoise(xbar, Math.min(sbar, hi)).x0;
  return {
    total: intervals,
    start() {
      // x̄ starts at σ_max·z (generate.py `latents * t_steps[0]`, k-diffusion `x * sigmas[0]`); an init is x at time
      // t(σ_max), the SDE's variable, so x̄ = init/α there.
      const a0 = alphaAt(sigmas[0]);
      const state = tf.tidy(() => (run.hasInit ? tf.div(run.initial(() => tf.zeros(run.shape)), a0) : tf.mul(run.rng.normal(run.shape), sigmas[0])));
      return { state, t: timeOf(sigmas[0]), scale: a0 };
    },
    step(i, { state: xbar }) {
      // k-diffusion sampling.py sample_heun / Karras et al. Algorithm 2: d = (x̄ − D)/σ̂, Euler to σ_next, then the
      // average of both slopes unless σ_next = 0.
      const sCur = sigmas[i];
      const sNext = sigmas[i + 1];
      const gamma = sCur >= r.sTmin && sCur <= r.sTmax ? gammaMax : 0;
      const sHat = Math.min(sCur * (1 + gamma), hi);
      const xHat = sHat > sCur ? tf.add(xbar, tf.mul(run.rng.normal(xbar.shape), Math.sqrt(sHat * sHat - sCur * sCur) * r.sNoise)) : xbar;
      let x0 = denoised(xHat, sHat);
      const d = tf.div(tf.sub(xHat, x0), sHat);
      const dt = sNext - sHat;
      const euler = tf.add(xHat, tf.mul(d, dt));
      let next = euler;
      if (sNext !== 0) {
        x0 = denoised(euler, sNext);
        const d2 = tf.div(tf.sub(euler, x0), sNext);
        next = tf.add(xHat, tf.mul(tf.div(tf.add(d, d2), 2), dt));
      }
      return { state: next, t: timeOf(sNext), scale: alphaAt(sNext), ...(run.watched ? { x0 } : {}) };
    },
  };
}
