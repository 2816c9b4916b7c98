import * as tf from '@tensorflow/tfjs-core';
import type { SampleRequest, SampleResult, Sampler, StepInfo } from '../Sampler.js';
import { SamplingRun } from './run.js';

/** The state a sampler carries between steps: `state` is x/scale (scale ≠ 1 for samplers on x/α). */
export interface StepState {
  readonly state: tf.Tensor;
  readonly t: number;
  /** x = scale·state (default 1). */
  readonly scale?: number;
}

/** What one step returns: the new state, and x̂₀ from its last evaluation when the run is watched. */
export interface StepResult extends StepState {
  readonly x0?: tf.Tensor;
}

/**
 * A sampler for one run: its initial state, its step (called inside `tf.tidy`, so it may create freely; tensors it
 * carries to the next step it `tf.keep`s and disposes itself), and its final denoising. Everything else — abort,
 * progress, trajectories, NFE counting, callbacks, iteration — is the driver's.
 */
export interface SamplerProgram {
  /** Planned steps (progress, abort messages). */
  readonly total: number;
  start(): StepState;
  step(i: number, current: StepState): StepResult;
  /** Whether step i should run (default i < total); adaptive solvers decide as they go. */
  more?(i: number, current: StepState): boolean;
  /** The final denoising from the last state (default: x = scale·state); may evaluate the denoiser. */
  finish?(current: StepState): { x: tf.Tensor; t: number };
  /** Progress as a fraction of the span instead of steps (adaptive solvers). */
  fraction?(current: StepState): number;
  /** Tensors the program carries between steps (disposed on abort or when the run ends). */
  carried?(): readonly (tf.Tensor | null | undefined)[];
  stats?(): Record<string, number>;
}

/**
 * Builds a {@link Sampler} from its name, resolved options and a program per run; the shared driver gives it
 * `run()` and `steps()`.
 */
export function defineSampler(name: string, options: Readonly<Record<string, unknown>>, program: (run: SamplingRun) => SamplerProgram): Sampler {
  const steps = (request: SampleRequest, iterating: boolean) => drive(new SamplingRun(name, request, 0), program, iterating);
  return Object.freeze({
    name,
    options: Object.freeze({ ...options }),
    run: async (request: SampleRequest) => {
      const it = steps(request, false);
      for (;;) {
        const r = await it.next();
        if (r.done) return r.value;
      }
    },
    steps: (request: SampleRequest) => steps(request, true),
  });
}

async function* drive(run: SamplingRun, make: (run: SamplingRun) => SamplerProgram, iterating: boolean): AsyncGenerator<StepInfo, SampleResult, void> {
  run.iterating = iterating;
  const program = make(run);
  run.total = program.total;
  let current = program.start();
  run.record(0, current.t, current.state, false, current.scale ?? 1);
  const more = program.more ?? ((i: number) => i < program.total);
  let i = 0;
  try {
    for (; more(i, current); i++) {
      await run.checkpoint(i, current.t, [current.state, ...(program.carried?.() ?? [])]);
      const before = current.state;
      let meta = { t: current.t, scale: current.scale };
      const out: { state: tf.Tensor; x0?: tf.Tensor } = tf.tidy(() => {
        const r = program.step(i, current);
        meta = { t: r.t, scale: r.scale };
        return r.x0 ? { state: r.state, x0: r.x0 } : { state: r.state };
      });
      before.dispose();
      current = { state: out.state, ...meta };
      if (run.watched) {
        const scale = current.scale ?? 1;
        const x = scale === 1 ? current.state : tf.mul(current.state, scale);
        const info: StepInfo = { x, i, t: current.t, ...(out.x0 ? { x0: out.x0 } : {}) };
        const replaced = run.onStep ? tf.tidy(() => run.onStep!(info) ?? undefined) : undefined;
        if (iterating) yield info;
        if (replaced && replaced !== x && replaced !== current.state) {
          if (replaced.shape.join(',') !== current.state.shape.join(',')) {
            throw new Error(`${run.sampler}: onStep must return a tensor shaped like x [${current.state.shape.join(',')}]; got [${replaced.shape.join(',')}]`);
          }
          const next = scale === 1 ? tf.clone(replaced) : tf.div(replaced, scale);
          current.state.dispose();
          current = { ...current, state: next };
          replaced.dispose();
        }
        if (x !== current.state && x !== out.state) x.dispose();
      }
      out.x0?.dispose();
      run.progress(i, program.fraction?.(current));
      run.record(i + 1, current.t, current.state, false, current.scale ?? 1);
    }
    const done = program.finish ? program.finish(current) : scaled(current);
    if (done.x !== current.state) current.state.dispose();
    let samples = done.x;
    // The callback sees the final output too (i = steps, no x̂₀), so a replacement — inpainting's known part —
    // survives a final denoising that returns a mean computed before the last callback.
    if (run.onStep) {
      const replaced = tf.tidy(() => run.onStep!({ x: samples, i, t: done.t, final: true }) ?? undefined);
      if (replaced && replaced !== samples) {
        if (replaced.shape.join(',') !== samples.shape.join(',')) {
          throw new Error(`${run.sampler}: onStep must return a tensor shaped like x [${samples.shape.join(',')}]; got [${replaced.shape.join(',')}]`);
        }
        samples.dispose();
        samples = replaced;
      }
    }
    return run.finish(samples, i, done.t, program.stats?.());
  } finally {
    for (const c of program.carried?.() ?? []) if (c && !c.isDisposed) c.dispose();
  }
}

function scaled(current: StepState): { x: tf.Tensor; t: number } {
  const scale = current.scale ?? 1;
  return { x: scale === 1 ? current.state : tf.tidy(() => tf.mul(current.state, scale)), t: current.t };
}
