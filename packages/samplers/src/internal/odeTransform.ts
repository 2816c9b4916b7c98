import type * as tf from '@tensorflow/tfjs-core';
import type { ScoreFn, Sde } from '@scorekit/sde';
import { SamplingAbortedError } from '../SamplingAbortedError.js';
import type { ProgressCallback } from '../Sampler.js';
import { checkEps, solverGrid, type TimeSpacing } from './grids.js';
import { ODE_METHODS, integrateFixed, integrateRk45, type OdeHooks, type OdeMethod, type OdeRhs } from './odeSolvers.js';
import { integerAtLeast, oneOf, positive, readOptions } from './options.js';

/** Solver settings shared by `encode`, `decode`, `interpolate` and `likelihood`. */
export interface OdeSolveOptions {
  /** `'rk45'` (default) or a fixed-step `'euler'`, `'heun'`, `'rk4'`. */
  readonly method?: OdeMethod;
  /** Steps of a fixed-step method, default 100. */
  readonly steps?: number;
  readonly spacing?: TimeSpacing;
  /** RK45 tolerances, default 1e-5 each (score_sde). */
  readonly rtol?: number;
  readonly atol?: number;
  readonly maxSteps?: number;
  /** The data end of the time interval (default: the SDE's sampling eps). */
  readonly eps?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressCallback;
}

export const ODE_SOLVE_CHECKS = {
  method: oneOf(...ODE_METHODS),
  steps: integerAtLeast(1),
  spacing: oneOf('time', 'logSNR'),
  rtol: positive,
  atol: positive,
  maxSteps: integerAtLeast(1),
  eps: positive,
  signal: { allowed: 'an AbortSignal', ok: (v: unknown) => typeof (v as AbortSignal)?.aborted === 'boolean' },
  onProgress: { allowed: 'a function (step, total) => void', ok: (v: unknown) => typeof v === 'function' },
} as const;

export function readSolveOptions<T extends OdeSolveOptions>(owner: string, options: unknown, extra: Record<string, (typeof ODE_SOLVE_CHECKS)['method']> = {}): T {
  return readOptions<T>(owner, options, { ...ODE_SOLVE_CHECKS, ...extra } as never);
}

/** Integrates F from `from` to `to` (either direction) with the chosen solver; y0 is not disposed. */
export async function solveOde(owner: string, F: OdeRhs, y0: tf.Tensor, from: number, to: number, sde: Sde, o: OdeSolveOptions): Promise<tf.Tensor> {
  const method = o.method ?? 'rk45';
  const steps = o.steps ?? 100;
  const hooks: OdeHooks = {
    before: async (i, t, live) => {
      if (o.signal || o.onProgress) await new Promise<void>((r) => setTimeout(r, 0));
      if (o.signal?.aborted) {
        for (const x of live) x.dispose();
        throw new SamplingAbortedError(owner, i, method === 'rk45' ? NaN : steps, t);
      }
    },
    after: (i, _t, _y, fraction) => {
      if (!o.onProgress) return;
      if (method === 'rk45') o.onProgress(Math.round(1000 * fraction), 1000);
      else o.onProgress(i + 1, steps);
    },
  };
  if (method === 'rk45') {
    return (await integrateRk45(F, y0, from, to, { rtol: o.rtol ?? 1e-5, atol: o.atol ?? 1e-5, maxSteps: o.maxSteps ?? 10_000 }, hooks)).y;
  }
  const grid = solverGrid(sde, steps, o.eps ?? sde.samplingEps, o.spacing ?? 'time');
  const times = from < to ? [...grid].reverse() : grid;
  times[0] = from;
  times[times.length - 1] = to;
  return integrateFixed(method, F, y0, times, hooks);
}

/** A score wrapper counting evaluations. */
export function countingScore(score: ScoreFn): { score: ScoreFn; count: () => number } {
  if (typeof score !== 'function') throw new Error('score must be a function (x, t) => tensor shaped like x');
  let n = 0;
  return {
    score: (x, t) => {
      n++;
      return score(x, t);
    },
    count: () => n,
  };
}

export function checkSde(owner: string, sde: Sde, eps: number): void {
  if (sde == null || typeof sde.alpha !== 'function') throw new Error(`${owner}: sde must be an Sde (VpSde, VeSde, …)`);
  checkEps(owner, sde, eps);
}
