import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { denoiserFromScore, type Denoiser, type Prediction, type ScoreFn, type Sde } from '@scorekit/sde';
import type { SampleRequest, SampleResult, Trajectory } from '../Sampler.js';
import { SamplingAbortedError } from '../SamplingAbortedError.js';
import { thresholdName, thresholdX0 } from './threshold.js';

const REQUEST_KEYS = ['denoiser', 'score', 'sde', 'shape', 'seed', 'rng', 'init', 'denoise', 'onProgress', 'onStep', 'signal', 'record', 'labels', 'x0Threshold'];

const nextTick: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));

/**
 * What a sampler's steps see of one run: the validated request, the seeded generator, the denoiser (counting its
 * evaluations and checking shapes, with the request's x̂₀ thresholding applied), progress, abort checks and the
 * trajectory. The shared driver (`defineSampler`) owns it.
 */
export class SamplingRun {
  readonly rng: Rng;
  readonly shape: number[];
  readonly n: number;
  nfe = 0;
  private readonly request: SampleRequest;
  private readonly denoiser: Denoiser | null;
  private readonly rawScore: ScoreFn | null;
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
    const sde = request.denoiser?.sde ?? request.sde;
    this.denoiser = request.denoiser ?? (sde && request.score ? denoiserFromScore(sde, request.score) : null);
    this.rawScore = request.score ?? null;
  }

  /** The SDE (the denoiser's), or a clear error naming the sampler that needs it. */
  get sde(): Sde {
    const sde = this.request.denoiser?.sde ?? this.request.sde;
    if (!sde) throw new Error(`Sampler '${this.sampler}' needs a denoiser (or a score with the sde it belongs to) in the request`);
    return sde;
  }

  get hasSde(): boolean {
    return (this.request.denoiser?.sde ?? this.request.sde) != null;
  }

  /**
   * One evaluation at (x, t) — t one time for the batch — counted in `nfe`, with x̂₀ thresholded when the request
   * asks for it (the score and ε are then those of the thresholded x̂₀).
   */
  predict(x: tf.Tensor, t: number): Prediction {
    if (!this.denoiser) throw new Error(`Sampler '${this.sampler}' needs a denoiser (or a score with the sde it belongs to) in the request`);
    this.nfe++;
    const labels = this.request.labels;
    const p = this.denoiser.predict(x, t, labels ? { labels } : undefined);
    const raw = (p as Partial<Prediction> | undefined)?.raw;
    if (!(raw instanceof tf.Tensor) || raw.shape.join(',') !== x.shape.join(',')) {
      const got = raw instanceof tf.Tensor ? `shape [${raw.shape.join(',')}]` : String(raw);
      throw new Error(`${this.sampler}: the denoiser's prediction must be a tensor shaped like x [${x.shape.join(',')}]; got ${got}`);
    }
    return this.request.x0Threshold ? thresholdX0(p, this.request.x0Threshold) : p;
  }

  /**
   * One evaluation in the scaled variable x̄ = x/α at noise level σ̄ = σ/α (k-diffusion's D(x̄; σ̄)), counted in
   * `nfe` and thresholded like {@link predict}. Denoisers native in σ (`predictAtNoise`) are called directly; any
   * other is called at x = α·x̄, t = `sde.timeForNoiseRatio(σ̄)` (float64 host numbers). Only x̂₀ of the result is
   * the same on both paths (the first reads x̄, the second x).
   */
  predictAtNoise(xbar: tf.Tensor, sigmaBar: number): Prediction {
    const native = this.denoiser?.predictAtNoise;
    if (!native) {
      const t = this.sde.timeForNoiseRatio(sigmaBar);
      return this.predict(tf.mul(xbar, this.sde.alpha(t)), t);
    }
    this.nfe++;
    const labels = this.request.labels;
    const p = native.call(this.denoiser, xbar, sigmaBar, labels ? { labels } : undefined);
    const raw = (p as Partial<Prediction> | undefined)?.raw;
    if (!(raw instanceof tf.Tensor) || raw.shape.join(',') !== xbar.shape.join(',')) {
      const got = raw instanceof tf.Tensor ? `shape [${raw.shape.join(',')}]` : String(raw);
      throw new Error(`${this.sampler}: the denoiser's predictAtNoise must give a tensor shaped like x [${xbar.shape.join(',')}]; got ${got}`);
    }
    return this.request.x0Threshold ? thresholdX0(p, this.request.x0Threshold) : p;
  }

  /** The score s(x, t) (samplers that need no SDE, such as Langevin, may run on a bare score function). */
  score(x: tf.Tensor, t: number): tf.Tensor {
    if (this.denoiser) return this.predict(x, t).score;
    this.nfe++;
    const s = this.rawScore!(x, tf.fill([x.shape[0]], t));
    if (!(s instanceof tf.Tensor) || s.shape.join(',') !== x.shape.join(',')) {
      const got = s instanceof tf.Tensor ? `shape [${s.shape.join(',')}]` : String(s);
      throw new Error(`${this.sampler}: the score function must return a tensor shaped like x [${x.shape.join(',')}]; got ${got}`);
    }
    return s;
  }

  denoise(defaultValue: boolean): boolean {
    return this.request.denoise ?? defaultValue;
  }

  /** Whether anyone looks at each step (a callback or an iterator): then steps report their x̂₀. */
  get watched(): boolean {
    return this.request.onStep != null || this.iterating;
  }

  iterating = false;

  /** Whether the request gave an initial state. */
  get hasInit(): boolean {
    return this.request.init != null;
  }

  /** A copy of `init`, or the tensor `draw` makes (drawn only when no init was given). */
  initial(draw: () => tf.Tensor): tf.Tensor {
    if (this.request.init) return tf.clone(this.request.init);
    return draw();
  }

  /** The request's step callback. */
  get onStep(): SampleRequest['onStep'] {
    return this.request.onStep;
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

  /** Progress after step `i` (0-based), or in thousandths of the span for adaptive solvers. */
  progress(i: number, fraction?: number): void {
    if (fraction != null) this.request.onProgress?.(Math.min(1000, Math.round(1000 * fraction)), 1000);
    else this.request.onProgress?.(i + 1, this.total);
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

  disposeRecorded(): void {
    for (const r of this.recorded) if (r.state instanceof tf.Tensor) r.state.dispose();
    this.recorded.length = 0;
  }
}

function validateRequest(sampler: string, request: SampleRequest): void {
  const problems: string[] = [];
  if (request == null || typeof request !== 'object') throw new Error(`${sampler}: run() needs a request object { denoiser, shape, seed, ... }`);
  for (const key of Object.keys(request)) {
    if (!REQUEST_KEYS.includes(key)) problems.push(`unknown request field '${key}' (allowed: ${REQUEST_KEYS.join(', ')})`);
  }
  const d = request.denoiser as Partial<Denoiser> | undefined;
  if (d != null) {
    if (typeof d.predict !== 'function' || d.sde == null) problems.push('denoiser must be a Denoiser { sde, predict(x, t, options?) }');
    if (request.score != null) problems.push('give a denoiser or a score function, not both');
    if (request.sde != null && request.sde !== d.sde) problems.push("sde is the denoiser's own: leave it out");
  } else if (typeof request.score !== 'function') {
    problems.push('give a denoiser (a score model, or denoiserFromScore(sde, score)) or a score function (x, t) => tensor shaped like x');
  }
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
  if (request.onStep != null && typeof request.onStep !== 'function') problems.push('onStep must be a function ({ x, i, t, x0 }) => tensor | void');
  if (request.signal != null && typeof request.signal.aborted !== 'boolean') problems.push('signal must be an AbortSignal');
  if (request.denoise != null && typeof request.denoise !== 'boolean') problems.push(`denoise must be true or false; got ${JSON.stringify(request.denoise)}`);
  if (request.labels != null && !(request.labels instanceof tf.Tensor)) problems.push('labels must be an int32 tensor [n] of class labels');
  if (request.x0Threshold != null) {
    const th = request.x0Threshold as { name?: unknown; kind?: unknown; limit?: unknown; percentile?: unknown; maxLimit?: unknown };
    const name = thresholdName(request.x0Threshold);
    const okClip = name === 'clip' && (th.limit == null || (typeof th.limit === 'number' && th.limit > 0));
    const okDyn =
      name === 'dynamic' &&
      (th.percentile == null || (typeof th.percentile === 'number' && th.percentile > 0 && th.percentile <= 1)) &&
      (th.maxLimit == null || (typeof th.maxLimit === 'number' && th.maxLimit >= 1));
    if (th.name !== undefined && th.kind !== undefined && th.name !== th.kind) {
      problems.push(`x0Threshold: name ${JSON.stringify(th.name)} and kind ${JSON.stringify(th.kind)} disagree: give only 'name' ('kind' is its deprecated spelling)`);
    } else if (!okClip && !okDyn) {
      problems.push(`x0Threshold must be { name: 'clip', limit?: > 0 } or { name: 'dynamic', percentile?: in (0, 1], maxLimit?: ≥ 1 }; got ${JSON.stringify(th)}`);
    }
  }
  if (problems.length > 0) throw new Error(`${sampler}: invalid request:\n- ${problems.join('\n- ')}`);
}
