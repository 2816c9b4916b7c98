import type * as tf from '@tensorflow/tfjs-core';
import type { SamplingRun } from './run.js';

/** Where Langevin chains start: the SDE's prior, or uniform in a box. */
export type LangevinInit = 'prior' | { readonly uniform: readonly [number, number] };

/** The starting state: the request's `init`, else a uniform box, else the SDE's prior. */
export function langevinStart(run: SamplingRun, init: LangevinInit | undefined, sampler: string): tf.Tensor {
  return run.initial(() => {
    if (init != null && init !== 'prior') return run.rng.uniform(run.shape, init.uniform[0], init.uniform[1]);
    if (!run.hasSde) throw new Error(`${sampler}: give init (a tensor in the request), init: { uniform: [lo, hi] } or an sde to draw the prior from`);
    return run.sde.priorSample(run.shape, run.rng);
  });
}

/** The time at which plain Langevin evaluates the score: the option, else the SDE's sampling eps, else 0. */
export function langevinTime(run: SamplingRun, t: number | undefined): number {
  return t ?? (run.hasSde ? run.sde.samplingEps : 0);
}
