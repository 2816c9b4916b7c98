import * as tf from '@tensorflow/tfjs-core';
import type { SamplerProgram } from './defineSampler.js';
import type { SamplingRun } from './run.js';
import type { SdeStep } from './sdeSteps.js';

/**
 * score_sde's PC loop (sampling.py get_pc_sampler) as a program: from a prior draw, at each time of `times` run
 * the corrector, then the predictor towards the next time; with denoise (the default) finish on the predictor's
 * last mean (score_sde's `noise_removal`, no extra evaluation). A corrector-only sampler finishes on the
 * corrector's mean instead (score_sde's NonePredictor would return the noisy state).
 */
export function predictorCorrectorProgram(
  run: SamplingRun,
  config: {
    predictor: SdeStep;
    corrector: SdeStep;
    predictorIsNone: boolean;
    times: readonly number[];
    next: readonly number[];
    /** The time each step's state is reported at (default `next`). */
    reported?: readonly number[];
    chainSteps: number;
  },
): SamplerProgram {
  const sde = run.sde;
  const { times, next } = config;
  let mean: tf.Tensor | null = null;
  return {
    total: times.length,
    start: () => ({ state: run.initial(() => sde.priorSample(run.shape, run.rng)), t: times[0] }),
    step(i, { state }) {
      const c = {
        sde,
        predict: (x: tf.Tensor) => run.predict(x, times[i]),
        rng: run.rng,
        t: times[i],
        s: next[i],
        steps: config.chainSteps,
        wantX0: run.watched,
      };
      const corrected = config.corrector(state, c);
      const out = config.predictorIsNone ? corrected : config.predictor(corrected.x, c);
      mean?.dispose();
      mean = tf.keep(out.mean);
      return { state: out.x, t: (config.reported ?? next)[i], x0: out.x0 ?? corrected.x0 };
    },
    finish({ state, t }) {
      const m = mean;
      mean = null;
      if (m && run.denoise(true)) return { x: m, t };
      m?.dispose();
      return { x: state, t };
    },
    carried: () => [mean],
  };
}
