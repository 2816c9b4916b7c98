import * as tf from '@tensorflow/tfjs';
import type { SampleResult } from '../Sampler.js';
import { sdeGrid } from './grids.js';
import type { SamplingRun } from './run.js';
import type { Corrector, Predictor, StepOutput } from './sdeSteps.js';

/**
 * score_sde's PC loop (sampling.py get_pc_sampler): from a prior draw, for each t_i of linspace(T, eps, N) run the
 * corrector, then the predictor; with denoise (the default) return the predictor's last mean. A corrector-only
 * sampler returns the corrector's mean instead (score_sde's NonePredictor would return the noisy state).
 */
export async function runPredictorCorrector(
  run: SamplingRun,
  config: { predictor: Predictor; corrector: Corrector; predictorIsNone: boolean; steps: number; eps: number },
): Promise<SampleResult> {
  const sde = run.sde;
  const { times, next } = sdeGrid(sde, config.steps, config.eps);
  let x = run.initial(() => sde.priorSample(run.shape, run.rng));
  let mean: tf.Tensor | null = null;
  run.record(0, sde.T, x);
  for (let i = 0; i < config.steps; i++) {
    await run.checkpoint(i, times[i], [x, mean]);
    const out = tf.tidy(() => {
      const c = { sde, score: run.score, rng: run.rng, t: times[i], s: next[i], tVec: run.times(times[i]) };
      const corrected = config.corrector(x, c);
      const out: StepOutput = config.predictorIsNone ? corrected : config.predictor(corrected.x, c);
      return { x: out.x, mean: out.mean };
    });
    x.dispose();
    mean?.dispose();
    x = out.x;
    mean = out.mean;
    run.stepDone(i, next[i], x);
  }
  if (mean && run.denoise(true)) {
    x.dispose();
    x = mean;
  } else mean?.dispose();
  return run.finish(x, config.steps, 0);
}
