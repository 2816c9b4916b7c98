import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { Denoiser, ScoreFn, Sde } from '@scorekit/sde';

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

/** What a step callback (or the step iterator) sees after step `i`: the state x at time t, and x̂₀ where formed. */
export interface StepInfo {
  /** The state after the step, in the SDE's variable; owned by the run (valid until the callback returns). */
  readonly x: tf.Tensor;
  /** The step just done (0-based). */
  readonly i: number;
  /** The time of `x`. */
  readonly t: number;
  /** The denoised estimate x̂₀ the step formed from its last evaluation (owned by the run). */
  readonly x0?: tf.Tensor;
  /** True on the extra call with the final output (after any final denoising): the sample the run returns. */
  readonly final?: boolean;
}

/**
 * Called after every step, and once more on the final output (i = steps, no x̂₀); returning a new tensor shaped
 * like x replaces the state (the run takes it over) — inpainting replaces the known part this way. Runs inside a
 * tf.tidy of its own.
 */
export type StepCallback = (info: StepInfo) => tf.Tensor | void;

/**
 * x̂₀ clipping (diffusers `clip_sample`, to [−limit, limit], default 1) or dynamic thresholding (Imagen: per sample
 * the `percentile` quantile s of |x̂₀|, default 0.995, clamped to [1, maxLimit], default ∞; x̂₀ ← clip(x̂₀, ±s)/s),
 * for pixel data in [−1, 1]. Applied to every prediction, so samplers that read the score see that of the
 * thresholded x̂₀. `name` picks which, as in every scorekit config (`{ name: 'dynamic', percentile: 0.995 }`);
 * `kind`, its older spelling, is still read ({@link LegacyX0Threshold}).
 */
export type X0Threshold =
  | { readonly name: 'clip'; readonly limit?: number }
  | { readonly name: 'dynamic'; readonly percentile?: number; readonly maxLimit?: number }
  | LegacyX0Threshold;

/** @deprecated An {@link X0Threshold} under `kind`, the older spelling of `name`; still read. */
export type LegacyX0Threshold =
  | { readonly kind: 'clip'; readonly limit?: number }
  | { readonly kind: 'dynamic'; readonly percentile?: number; readonly maxLimit?: number };

/** What every sampler needs at run time; the sampler's own settings were given to `createSampler`. */
export interface SampleRequest {
  /** The model of p_t: a score model, or an analytic score lifted with `denoiserFromScore(sde, score)`. */
  readonly denoiser?: Denoiser;
  /**
   * Shorthand for `denoiserFromScore(sde, score)`; with no sde, only plain and Metropolis-adjusted Langevin
   * can run on a bare score.
   */
  readonly score?: ScoreFn;
  /** The forward SDE `score` belongs to (a denoiser brings its own). */
  readonly sde?: Sde;
  /** Class labels (int32 [n]) handed to the denoiser on every call, for class-conditional models. */
  readonly labels?: tf.Tensor;
  /** Threshold x̂₀ of every prediction (off by default). */
  readonly x0Threshold?: X0Threshold;
  /** Called after every step with `{ x, i, t, x0 }`; may return a replacement state. */
  readonly onStep?: StepCallback;
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
 * const { samples, nfe } = await sampler.run({ denoiser: model, shape: [1000, 2], seed: 0 });
 * samples.dispose();
 */
export interface Sampler {
  readonly name: string;
  /** The resolved settings, defaults filled in where they do not depend on the SDE. */
  readonly options: Readonly<Record<string, unknown>>;
  run(request: SampleRequest): Promise<SampleResult>;
  /**
   * The same run, step by step: yields `{ x, i, t, x0 }` after each step (tensors owned by the run, valid until the
   * next iteration) and returns the {@link SampleResult}.
   *
   * @example
   * const it = sampler.steps({ denoiser, shape: [16, 2], seed: 0 });
   * for (let r = await it.next(); !r.done; r = await it.next()) console.log(r.value.i, r.value.t);
   */
  steps(request: SampleRequest): AsyncGenerator<StepInfo, SampleResult, void>;
}
