import * as tf from '@tensorflow/tfjs';
import { Rng } from '@scorekit/core';
import type { ScoreFn, Sde } from '@scorekit/sde';
import type { SampleRequest, SampleResult, Trajectory } from '../Sampler.js';
import { SamplingAbortedError } from '../SamplingAbortedError.js';

const REQUEST_KEYS = ['score', 'sde', 'shape', 'seed', 'rng', 'init', 'denoise', 'onProgress', 'signal', 'record'];

const nextTick: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));

/**
 * The plumbing every sampler shares: request validation, the seeded generator, a score wrapper that counts
 * evaluations and checks shapes, progress, abort checks between steps and trajectory recording.
 */
export class SamplingRun {
  readonly rng: Rng;
  readonly score: ScoreFn;
  readonly shape: number[];
  readonly n: number;
  nfe = 0;
  private readonly request: SampleRequest;
  private readonly recorded: { step: number; t: number; state: Float32Array | tf.Tensor }[] = [];

  constructor(
    readonly sampler: string,
    request: SampleRequest,
    /** Planned number of steps (for progress and abort messages). */
    public total: number,
  ) {
    validateRequest(sampler, request);
    this.request = request;
    this.rng = request.rng ?? new Rng(request.seed!);
    this.shape = request.init ? [...request.init.shape] : [...request.shape!];
    this.n = this.shape[0];
    const raw = request.score;
    this.score = (x, t) => {
      this.nfe++;
      const s = raw(x, t);
      if (!(s instanceof tf.Tensor) || s.shape.join(',') !== x.shape.join(',')) {
        const got = s instanceof tf.Tensor ? `shape [${s.shape.join(',')}]` : String(s);
        throw new Error(`${sampler}: the score function must return a tensor shaped like x [${x.shape.join(',')}]; got ${got}`);
      }
      return s;
    };
  }

  /** The SDE, or a clear error naming the sampler that needs it. */
  get sde(): Sde {
    if (!this.request.sde) throw new Error(`Sampler '${this.sampler}' needs an sde in the request (the SDE the score belongs to)`);
    return this.request.sde;
  }

  get hasSde(): boolean {
    return this.request.sde != null;
  }

  denoise(defaultValue: boolean): boolean {
    return this.request.denoise ?? defaultValue;
  }

  /** A copy of `init`, or the tensor `draw` makes (drawn only when no init was given). */
  initial(draw: () => tf.Tensor): tf.Tensor {
    if (this.request.init) return tf.clone(this.request.init);
    return draw();
  }

  /** Per-sample times, [n]. */
  times(t: number): tf.Tensor1D {
    return tf.fill([this.n], t) as tf.Tensor1D;
  }

  /**
   * Records the state after `step` steps if the trajectory asks for it (step 0 and every k-th). Samplers that run
   * on a scaled variable (x/α) pass `scale` = α so that every recorded state is in the SDE's own variable x.
   */
  record(step: number, t: number, x: tf.Tensor, force = false, scale = 1): void {
    const rec = this.request.record;
    if (!rec) return;
    if (!force && step % rec.every !== 0) return;
    const last = this.recorded[this.recorded.length - 1];
    if (last && last.step === step) {
      if (last.state instanceof tf.Tensor) last.state.dispose();
      this.recorded.pop();
    }
    const state = tf.tidy(() => {
      const v = scale === 1 ? tf.clone(x) : tf.mul(x, scale);
      return rec.as === 'tensors' ? tf.keep(v) : Float32Array.from(v.dataSync());
    });
    this.recorded.push({ step, t, state });
  }

  /**
   * Called before step `i` (0-based): lets pending events run when someone listens, then throws
   * {@link SamplingAbortedError} if the signal was aborted, after disposing `live` and any recorded tensors.
   */
  async checkpoint(i: number, t: number, live: readonly (tf.Tensor | null | undefined)[]): Promise<void> {
    const { signal, onProgress } = this.request;
    if (signal || onProgress) await nextTick();
    if (signal?.aborted) {
      for (const x of live) x?.dispose();
      this.disposeRecorded();
      throw new SamplingAbortedError(this.sampler, i, this.total, t);
    }
  }

  /** After step `i` (0-based): progress (i + 1, total) and the trajectory (`scale` as in {@link record}). */
  stepDone(i: number, t: number, x: tf.Tensor, scale = 1): void {
    this.request.onProgress?.(i + 1, this.total);
    this.record(i + 1, t, x, false, scale);
  }

  /** Progress for adaptive solvers, in thousandths of the span. */
  progressFraction(fraction: number): void {
    this.request.onProgress?.(Math.min(1000, Math.round(1000 * fraction)), 1000);
  }

  finish(samples: tf.Tensor, steps: number, t: number, stats?: Record<string, number>): SampleResult {
    this.record(steps, t, samples, true);
    const rec = this.request.record;
    const trajectory: Trajectory | undefined = rec
      ? {
          steps: this.recorded.map((r) => r.step),
          times: this.recorded.map((r) => r.t),
          states: this.recorded.map((r) => r.state),
          shape: this.shape,
        }
      : undefined;
    return { samples, nfe: this.nfe, steps, ...(trajectory ? { trajectory } : {}), ...(stats ? { stats } : {}) };
  }

  private disposeRecorded(): void {
    for (const r of this.recorded) if (r.state instanceof tf.Tensor) r.state.dispose();
    this.recorded.length = 0;
  }
}

function validateRequest(sampler: string, request: SampleRequest): void {
  const problems: string[] = [];
  if (request == null || typeof request !== 'object') throw new Error(`${sampler}: run() needs a request object { score, sde, shape, seed, ... }`);
  for (const key of Object.keys(request)) {
    if (!REQUEST_KEYS.includes(key)) problems.push(`unknown request field '${key}' (allowed: ${REQUEST_KEYS.join(', ')})`);
  }
  if (typeof request.score !== 'function') problems.push('score must be a function (x, t) => tensor shaped like x');
  if ((request.seed == null) === (request.rng == null)) problems.push('give exactly one of seed (a number) or rng (an Rng)');
  if (request.seed != null && !Number.isFinite(request.seed)) problems.push(`seed must be a finite number; got ${request.seed}`);
  if (request.rng != null && !(request.rng instanceof Rng)) problems.push('rng must be an Rng from @scorekit/core');
  if (request.init != null) {
    if (!(request.init instanceof tf.Tensor) || request.init.rank < 1 || request.init.isDisposed) problems.push('init must be a live tensor [n, ...dims]');
    else if (request.shape && request.shape.join(',') !== request.init.shape.join(',')) {
      problems.push(`shape [${request.shape.join(',')}] does not match init [${request.init.shape.join(',')}]`);
    }
  } else if (!Array.isArray(request.shape) || request.shape.length < 1 || !request.shape.every((d) => Number.isInteger(d) && d >= 1)) {
    problems.push(`shape must be [n, ...dims] with positive integers (or give init); got ${JSON.stringify(request.shape)}`);
  }
  if (request.record != null) {
    const { every, as } = request.record;
    if (!Number.isInteger(every) || every < 1) problems.push(`record.every must be an integer ≥ 1; got ${JSON.stringify(every)}`);
    if (as != null && as !== 'arrays' && as !== 'tensors') problems.push(`record.as must be 'arrays' or 'tensors'; got ${JSON.stringify(as)}`);
  }
  if (request.onProgress != null && typeof request.onProgress !== 'function') problems.push('onProgress must be a function (step, total) => void');
  if (request.signal != null && typeof request.signal.aborted !== 'boolean') problems.push('signal must be an AbortSignal');
  if (request.denoise != null && typeof request.denoise !== 'boolean') problems.push(`denoise must be true or false; got ${JSON.stringify(request.denoise)}`);
  if (problems.length > 0) throw new Error(`${sampler}: invalid request:\n- ${problems.join('\n- ')}`);
}
