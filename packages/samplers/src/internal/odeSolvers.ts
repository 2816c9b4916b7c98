import * as tf from '@tensorflow/tfjs-core';

/** Right-hand side dy/dt = F(t, y) of an ODE whose state is one tensor. */
export type OdeRhs = (t: number, y: tf.Tensor) => tf.Tensor;

/** Fixed-step methods and how many evaluations of F each step costs. */
export const FIXED_STEP_METHODS = { euler: 1, heun: 2, rk4: 4 } as const;
export type FixedStepMethod = keyof typeof FIXED_STEP_METHODS;
export type OdeMethod = FixedStepMethod | 'rk45';
export const ODE_METHODS: readonly OdeMethod[] = ['euler', 'heun', 'rk4', 'rk45'];

/** Hooks the integrators call between steps (abort checks, progress, recording). */
export interface OdeHooks {
  before(step: number, t: number, live: tf.Tensor[]): Promise<void>;
  after(step: number, t: number, y: tf.Tensor, fraction: number): void;
}

/** One step of Euler, Heun (explicit trapezoid) or classic RK4 from t to t + h (h may be negative). */
export function fixedStep(method: FixedStepMethod, F: OdeRhs, t: number, y: tf.Tensor, h: number): tf.Tensor {
  return tf.tidy(() => {
    const k1 = F(t, y);
    if (method === 'euler') return tf.add(y, tf.mul(k1, h));
    if (method === 'heun') {
      const k2 = F(t + h, tf.add(y, tf.mul(k1, h)));
      return tf.add(y, tf.mul(tf.add(k1, k2), h / 2));
    }
    const k2 = F(t + h / 2, tf.add(y, tf.mul(k1, h / 2)));
    const k3 = F(t + h / 2, tf.add(y, tf.mul(k2, h / 2)));
    const k4 = F(t + h, tf.add(y, tf.mul(k3, h)));
    return tf.add(y, tf.mul(tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]), h / 6));
  });
}

/** Integrates over the given times with a fixed-step method; y0 is not disposed. */
export async function integrateFixed(method: FixedStepMethod, F: OdeRhs, y0: tf.Tensor, times: readonly number[], hooks: OdeHooks): Promise<tf.Tensor> {
  let y = tf.clone(y0);
  const steps = times.length - 1;
  for (let i = 0; i < steps; i++) {
    await hooks.before(i, times[i], [y]);
    const next = fixedStep(method, F, times[i], y, times[i + 1] - times[i]);
    y.dispose();
    y = next;
    hooks.after(i, times[i + 1], y, (i + 1) / steps);
  }
  return y;
}

/** Options of the adaptive Dormand–Prince solver (scipy `solve_ivp(method='RK45')`, score_sde's ODE sampler). */
export interface Rk45Options {
  readonly rtol: number;
  readonly atol: number;
  /** Give up after this many attempted steps. */
  readonly maxSteps: number;
}

// Dormand & Prince (1980) RK5(4)7M tableau, the one scipy's RK45 uses.
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
];
const B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];
// Difference between the 5th- and embedded 4th-order weights, including the FSAL stage.
const E = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40];
const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;

/**
 * Adaptive RK45 (Dormand–Prince) from t0 to t1 with scipy's error control, one accepted step at a time: the whole
 * batch is one system, the error norm is the RMS of err/(atol + rtol·max(|y|, |y_new|)), steps grow by at most 10×
 * and shrink by at most 5× with safety 0.9, and the first step is chosen as in scipy's `select_initial_step` (one
 * extra evaluation). `step(y)` returns the next accepted state (the caller owns it and still owns y).
 */
export class Rk45Stepper {
  t: number;
  accepted = 0;
  rejected = 0;
  private attempts = 0;
  private h: number;
  private f: tf.Tensor | null;
  private readonly direction: number;
  private readonly span: number;

  constructor(
    private readonly F: OdeRhs,
    y0: tf.Tensor,
    private readonly t0: number,
    private readonly t1: number,
    private readonly options: Rk45Options,
  ) {
    this.direction = Math.sign(t1 - t0);
    this.span = Math.abs(t1 - t0);
    this.t = t0;
    this.f = tf.keep(tf.tidy(() => F(t0, y0)));
    this.h = initialStep(F, t0, y0, this.f, this.direction, options.rtol, options.atol, this.span);
  }

  get done(): boolean {
    return !(this.direction * (this.t1 - this.t) > 0);
  }

  /** Fraction of the span covered. */
  get fraction(): number {
    return Math.abs(this.t - this.t0) / this.span;
  }

  /** The FSAL derivative carried between steps (for disposal on abort). */
  get carried(): tf.Tensor | null {
    return this.f;
  }

  step(y: tf.Tensor): tf.Tensor {
    const { rtol, atol } = this.options;
    const { direction, span, t1, F } = this;
    const t = this.t;
    let stepRejected = false;
    for (;;) {
      if (++this.attempts > this.options.maxSteps) {
        this.dispose();
        throw new Error(`rk45: no convergence after ${this.options.maxSteps} attempted steps at t = ${t} (rtol ${rtol}, atol ${atol}); raise maxSteps or the tolerances`);
      }
      const minStep = 10 * Math.abs(nextAfterGap(t));
      if (this.h < minStep) {
        this.dispose();
        throw new Error(`rk45: step size fell below ${minStep} at t = ${t}; the ODE is too stiff or not finite there`);
      }
      const hs = direction * Math.min(this.h, Math.abs(t1 - t));
      const tNew = Math.abs(t1 - (t + hs)) < 1e-15 * span ? t1 : t + hs;
      const f = this.f!;
      const trial = tf.tidy(() => {
        const K: tf.Tensor[] = [f];
        for (let s = 1; s < 6; s++) {
          let dy = tf.mul(K[0], A[s][0] * hs);
          for (let j = 1; j < s; j++) if (A[s][j] !== 0) dy = tf.add(dy, tf.mul(K[j], A[s][j] * hs));
          K.push(F(t + C[s] * hs, tf.add(y, dy)));
        }
        let dy = tf.mul(K[0], B[0] * hs);
        for (let j = 2; j < 6; j++) dy = tf.add(dy, tf.mul(K[j], B[j] * hs));
        const yNew = tf.add(y, dy);
        const fNew = F(tNew, yNew);
        K.push(fNew);
        let err = tf.mul(K[0], E[0] * hs);
        for (let j = 2; j < 7; j++) err = tf.add(err, tf.mul(K[j], E[j] * hs));
        const scale = tf.add(atol, tf.mul(tf.maximum(tf.abs(y), tf.abs(yNew)), rtol));
        const norm = tf.sqrt(tf.mean(tf.square(tf.div(err, scale))));
        return { yNew, fNew, norm };
      });
      const errorNorm = trial.norm.dataSync()[0];
      trial.norm.dispose();
      if (!Number.isFinite(errorNorm)) {
        trial.yNew.dispose();
        trial.fNew.dispose();
        this.dispose();
        throw new Error(`rk45: the ODE right-hand side is not finite at t ≈ ${t} (check the score function)`);
      }
      if (errorNorm < 1) {
        let factor = errorNorm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * errorNorm ** -0.2);
        if (stepRejected) factor = Math.min(1, factor);
        this.h = Math.abs(hs) * factor;
        f.dispose();
        this.f = tf.keep(trial.fNew);
        this.t = tNew;
        this.accepted++;
        return trial.yNew;
      }
      trial.yNew.dispose();
      trial.fNew.dispose();
      this.h = Math.abs(hs) * Math.max(MIN_FACTOR, SAFETY * errorNorm ** -0.2);
      stepRejected = true;
      this.rejected++;
    }
  }

  dispose(): void {
    this.f?.dispose();
    this.f = null;
  }
}

/** Integrates from t0 to t1 with {@link Rk45Stepper}, calling the hooks between steps; y0 is not disposed. */
export async function integrateRk45(
  F: OdeRhs,
  y0: tf.Tensor,
  t0: number,
  t1: number,
  options: Rk45Options,
  hooks: OdeHooks,
): Promise<{ y: tf.Tensor; accepted: number; rejected: number }> {
  let y = tf.clone(y0);
  const stepper = new Rk45Stepper(F, y, t0, t1, options);
  while (!stepper.done) {
    await hooks.before(stepper.accepted, stepper.t, [y, stepper.carried!]);
    let next: tf.Tensor;
    try {
      next = stepper.step(y);
    } catch (e) {
      y.dispose();
      throw e;
    }
    y.dispose();
    y = next;
    hooks.after(stepper.accepted - 1, stepper.t, y, stepper.fraction);
  }
  stepper.dispose();
  return { y, accepted: stepper.accepted, rejected: stepper.rejected };
}

// scipy select_initial_step (order 4 error estimator); like scipy ≥ 1.11, the probe step is capped at the span
// (the probability-flow drift nearly vanishes at T on VP, which would otherwise send the probe far past eps).
function initialStep(F: OdeRhs, t0: number, y0: tf.Tensor, f0: tf.Tensor, direction: number, rtol: number, atol: number, span: number): number {
  const rms = (v: tf.Tensor) => Math.sqrt(tf.mean(tf.square(v)).dataSync()[0]);
  return tf.tidy(() => {
    const scale = tf.add(atol, tf.mul(tf.abs(y0), rtol));
    const d0 = rms(tf.div(y0, scale));
    const d1 = rms(tf.div(f0, scale));
    const h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1, span);
    const f1 = F(t0 + h0 * direction, tf.add(y0, tf.mul(f0, h0 * direction)));
    const d2 = rms(tf.div(tf.sub(f1, f0), scale)) / h0;
    const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / 5);
    return Math.min(100 * h0, h1, span);
  });
}

// Spacing of float64 numbers around t (numpy's np.nextafter(t, inf) − t).
function nextAfterGap(t: number): number {
  return Math.max(Math.abs(t), 1e-300) * Number.EPSILON;
}
