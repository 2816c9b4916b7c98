import * as tf from '@tensorflow/tfjs-core';
import { ncsnSigmas } from '@scorekit/sde';
import type { Sampler } from '../Sampler.js';
import { defineSampler } from '../internal/defineSampler.js';
import { decreasingPositive, described, initChoice, integerAtLeast, type OptionSpec, positive, readOptions } from '../internal/options.js';
import type { LangevinInit } from '../internal/langevinInit.js';

/** Options of {@link annealedLangevinSampler}; defaults are ermongroup/ncsn anneal_runner.py's. */
export interface AnnealedLangevinOptions {
  /** Noise levels σ₁ > … > σ_L as σ/α ratios (default `ncsnSigmas()`: geometric 1 → 0.01, L = 10). */
  readonly sigmas?: readonly number[];
  /** Langevin steps per level T, default 100. */
  readonly stepsPerLevel?: number;
  /** ε of the step αᵢ = ε·σᵢ²/σ_L², default 2e-5. */
  readonly stepSize?: number;
  /** Start: `'prior'` (default, N(0, σ₁²I)) or `{ uniform: [lo, hi] }`; a request `init` tensor wins. */
  readonly init?: LangevinInit;
}

/** The options of `annealed-langevin` with their checks and one-line help (the CLI derives its flags from it). */
export const ANNEALED_LANGEVIN_OPTION_SPEC: OptionSpec<AnnealedLangevinOptions> = {
  sigmas: described(decreasingPositive, 'noise levels σ₁ > … > σ_L as σ/α (default geometric 1 → 0.01, L = 10)'),
  stepsPerLevel: described(integerAtLeast(1), 'Langevin steps per noise level'),
  stepSize: described(positive, 'ε of the step αᵢ = ε·σᵢ²/σ_L²'),
  init: described(initChoice, "start: 'prior' (N(0, σ₁²I)) or uniform:lo,hi"),
};

/**
 * Annealed Langevin dynamics (Song & Ermon 2019, Algorithm 1; ermongroup/ncsn anneal_runner.py): for each level
 * σᵢ, T steps of x ← x + αᵢ·s(x, σᵢ) + √(2αᵢ)·z with αᵢ = ε·σᵢ²/σ_L². The levels are noise ratios σ/α, mapped to
 * times with `sde.timeForNoiseRatio`; on VP-type SDEs the chain runs on x/α (so the step rule is NCSN's), and the
 * output is the state at t(σ_L) in the SDE's variable. `denoise` (default false) adds Tweedie's step
 * x̂₀ = x/α + σ_L²·s̄ (NCSNv2's final denoising), one more evaluation. NFE = L·T.
 *
 * @example
 * const ald = annealedLangevinSampler({ sigmas: geometric(20, 1, 10), stepSize: 0.05, init: { uniform: [-8, 8] } });
 * const { samples } = await ald.run({ score, sde: new VeSde(), shape: [1280, 2], seed: 0 });
 */
export function annealedLangevinSampler(options: AnnealedLangevinOptions = {}): Sampler {
  const o = readOptions<AnnealedLangevinOptions>('annealed-langevin', options, ANNEALED_LANGEVIN_OPTION_SPEC);
  const sigmas = o.sigmas ? Array.from(o.sigmas) : Array.from(ncsnSigmas());
  const r = { sigmas, stepsPerLevel: 100, stepSize: 2e-5, init: 'prior' as LangevinInit, ...o };
  const L = sigmas.length;
  return defineSampler('annealed-langevin', { ...r, sigmas }, (run) => {
    const sde = run.sde;
    const times = sigmas.map((s) => sde.timeForNoiseRatio(s));
    const last = sigmas[L - 1];
    const levelOf = (i: number) => Math.floor(i / r.stepsPerLevel);
    // The chain lives on x̄ = x/α (the state, with scale α so that x is the SDE's variable); an init is x at t(σ₁).
    const scaledScore = (x: tf.Tensor, level: number) => {
      const a = sde.alpha(times[level]);
      return tf.mul(run.score(tf.mul(x, a), times[level]), a);
    };
    return {
      total: L * r.stepsPerLevel,
      start: () => {
        const a0 = sde.alpha(times[0]);
        const init = r.init;
        const draw = () => (init === 'prior' ? run.rng.normal(run.shape, 0, sigmas[0] * a0) : run.rng.uniform(run.shape, init.uniform[0] * a0, init.uniform[1] * a0));
        return { state: tf.tidy(() => tf.div(run.initial(draw), a0)), t: times[0], scale: a0 };
      },
      step: (i, { state: xbar }) => {
        const level = levelOf(i);
        const alpha = (r.stepSize * sigmas[level] ** 2) / last ** 2;
        const next = tf.add(tf.add(xbar, tf.mul(scaledScore(xbar, level), alpha)), tf.mul(run.rng.normal(xbar.shape), Math.sqrt(2 * alpha)));
        return { state: next, t: times[level], scale: sde.alpha(times[level]) };
      },
      finish: ({ state: xbar }) => {
        const tEnd = times[L - 1];
        const x = run.denoise(false)
          ? tf.tidy(() => tf.add(xbar, tf.mul(scaledScore(xbar, L - 1), last * last)))
          : tf.tidy(() => tf.mul(xbar, sde.alpha(tEnd)));
        return { x, t: tEnd };
      },
    };
  });
}
