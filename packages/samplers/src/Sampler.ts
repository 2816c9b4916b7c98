import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@scorekit/core';
import type { ScoreFn, Sde } from '@scorekit/sde';

/** Called after every step with the steps done and the total (adaptive solvers report thousandths of the time span). */
export type ProgressCallback = (step: number, total: number) => void;

/** Which states to keep for a gallery: every `every` steps (and the first and last), as arrays or tensors. */
export interface TrajectoryOptions {
  /** Keep the state every this many steps (≥ 1). */
  readonly every: number;
  /** `'arrays'` (default): Float32Array copies; `'tensors'`: tensors the caller owns and must dispose. */
  readonly as?: 'arrays' | 'tensors';
}

/** States recorded along a run: `states[k]` was the state after `steps[k]` steps, at time `times[k]`. */
export interface Trajectory {
  readonly steps: readonly number[];
  readonly times: readonly number[];
  /** Float32Array copies, or tensors the caller owns (see {@link TrajectoryOptions.as}). */
  readonly states: readonly (Float32Array | tf.Tensor)[];
  /** Shape of each state. */
  readonly shape: readonly number[];
}

/** What every sampler needs at run time; the sampler's own settings were given to `createSampler`. */
export interface SampleRequest {
  /** The score s(x, t) ≈ ∇ₓ log p_t(x): a model's or an analytic mixture's. */
  readonly score: ScoreFn;
  /** The forward SDE the score belongs to (optional only for plain and Metropolis-adjusted Langevin). */
  readonly sde?: Sde;
  /** Shape of the batch, [n, ...dims]; may be left out when `init` is given. */
  readonly shape?: readonly number[];
  /** The explicit seed of all the run's randomness (give this or `rng`). */
  readonly seed?: number;
  /** A generator to draw from instead of a seed (it advances). */
  readonly rng?: Rng;
  /** The starting state (default: a draw from the prior). Not disposed; the sampler works on a copy. */
  readonly init?: tf.Tensor;
  /** Finish with the denoising step (each sampler documents what it is and its default). */
  readonly denoise?: boolean;
  readonly onProgress?: ProgressCallback;
  /** Checked between steps; when aborted the run throws {@link SamplingAbortedError} saying where it stopped. */
  readonly signal?: AbortSignal;
  /** Record the trajectory. */
  readonly record?: TrajectoryOptions;
}

/** A sampler's output; the caller owns `samples` (and tensor trajectory states). */
export interface SampleResult {
  readonly samples: tf.Tensor;
  /** Number of score evaluations (one per call on the whole batch). */
  readonly nfe: number;
  /** Steps taken (for adaptive solvers: accepted steps). */
  readonly steps: number;
  readonly trajectory?: Trajectory;
  /** Sampler-specific figures, e.g. `acceptanceRate` (MALA) or `rejectedSteps` (RK45). */
  readonly stats?: Readonly<Record<string, number>>;
}

/**
 * A configured sampler: its settings were fixed by `createSampler`; `run` draws one batch.
 *
 * @example
 * const sampler = createSampler('dpm-solver++', { steps: 20 });
 * const { samples, nfe } = await sampler.run({ score, sde, shape: [1000, 2], seed: 0 });
 * samples.dispose();
 */
export interface Sampler {
  readonly name: string;
  /** The resolved settings, defaults filled in where they do not depend on the SDE. */
  readonly options: Readonly<Record<string, unknown>>;
  run(request: SampleRequest): Promise<SampleResult>;
}
