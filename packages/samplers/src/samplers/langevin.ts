import * as tf from '@tensorflow/tfjs-core';
import type { Sampler } from '../Sampler.js';
import { langevinStart, langevinTime, type LangevinInit } from '../internal/langevinInit.js';
import { defineSampler } from '../internal/defineSampler.js';
import { described, initChoice, integerAtLeast, nonNegative, type OptionSpec, positive, readOptions } from '../internal/options.js';

/** Options of {@link langevinSampler}; defaults are ermongroup/ncsn toy_runner.py's `langevin_dynamics`. */
export interface LangevinOptions {
  /** Number of steps, default 1000. */
  readonly steps?: number;
  /** Step size ε in x ← x + (ε/2)·s + √ε·z, default 0.1. */
  readonly stepSize?: number;
  /** Time at which the score is evaluated (default: the SDE's sampling eps, or 0 without an SDE). */
  readonly t?: number;
  /** Start: `'prior'` (default; the SDE's) or `{ uniform: [lo, hi] }`; a request `init` tensor wins. */
  readonly init?: LangevinInit;
}

/** The options of `langevin` with their checks and one-line help (the CLI derives its flags from it). */
export const LANGEVIN_OPTION_SPEC: OptionSpec<LangevinOptions> = {
  steps: described(integerAtLeast(1), 'number of Langevin steps'),
  stepSize: described(positive, 'step size ε in x ← x + (ε/2)·s + √ε·z'),
  t: described(nonNegative, "time the score is evaluated at (default: the SDE's sampling eps)"),
  init: described(initChoice, "start: 'prior' or uniform:lo,hi"),
};

/**
 * Unadjusted Langevin dynamics x ← x + (ε/2)·s(x) + √ε·z on a fixed score (ermongroup/ncsn toy_runner.py
 * `langevin_dynamics`). Its stationary law approaches p as ε → 0, but chains started in one basin of a multimodal
 * p rarely leave it: from a uniform start it keeps the modes' basin volumes, not their weights. `denoise` (default
 * false) adds one Tweedie step at t.
 *
 * @example
 * const { samples } = await langevinSampler({ init: { uniform: [-8, 8] } }).run({ score, sde, shape: [1280, 2], seed: 0 });
 */
export function langevinSampler(options: LangevinOptions = {}): Sampler {
  const o = readOptions<LangevinOptions>('langevin', options, LANGEVIN_OPTION_SPEC);
  const r = { steps: 1000, stepSize: 0.1, ...o };
  return defineSampler('langevin', r, (run) => {
    const t = langevinTime(run, o.t);
    const eps = r.stepSize;
    return {
      total: r.steps,
      start: () => ({ state: langevinStart(run, o.init, 'langevin'), t }),
      step: (_i, { state: x }) => ({
        state: tf.add(tf.add(x, tf.mul(run.score(x, t), eps / 2)), tf.mul(run.rng.normal(x.shape), Math.sqrt(eps))),
        t,
      }),
      finish: ({ state: x }) => {
        if (!run.denoise(false)) return { x, t };
        // Tweedie at t; with no SDE (σ = 0, α = 1) it is the identity.
        const d = run.hasSde ? tf.tidy(() => tf.keep(run.predict(x, t).x0)) : tf.clone(x);
        return { x: d, t };
      },
    };
  });
}
