import * as tf from '@tensorflow/tfjs-core';
import type { Sampler } from '../Sampler.js';
import { langevinStart, langevinTime, type LangevinInit } from '../internal/langevinInit.js';
import { defineSampler, type SamplerProgram } from '../internal/defineSampler.js';
import { described, fn, initChoice, integerAtLeast, nonNegative, type OptionSpec, positive, readOptions } from '../internal/options.js';
import type { SamplingRun } from '../internal/run.js';

/** Options of {@link metropolisLangevinSampler}. */
export interface MetropolisLangevinOptions {
  /** Number of steps, default 1000. */
  readonly steps?: number;
  /** Step size ε of the proposal x' = x + (ε/2)·s(x) + √ε·z, default 0.1. */
  readonly stepSize?: number;
  /** Time at which the score is evaluated (default: the SDE's sampling eps, or 0 without an SDE). */
  readonly t?: number;
  /** Start: `'prior'` (default) or `{ uniform: [lo, hi] }`; a request `init` tensor wins. */
  readonly init?: LangevinInit;
  /**
   * log p(x) up to a constant, per sample ([n] from [n, ...]). Without it, log p(x') − log p(x) is the line
   * integral of the score along the segment, by 5-point Gauss–Lobatto (3 extra evaluations per step; exact for
   * polynomial log-densities of degree ≤ 8, and needs the score to be a gradient).
   */
  readonly logDensity?: (x: tf.Tensor) => tf.Tensor;
}

// Gauss–Lobatto nodes on [0, 1] and weights (5 points: ends, midpoint, ½ ± ½√(3/7)).
const LOBATTO_INNER = [0.5 - 0.5 * Math.sqrt(3 / 7), 0.5, 0.5 + 0.5 * Math.sqrt(3 / 7)];
const LOBATTO_INNER_W = [49 / 180, 32 / 90, 49 / 180];
const LOBATTO_END_W = 1 / 20;

/** The options of `mala` with their checks and one-line help (the CLI derives its flags from it). */
export const METROPOLIS_LANGEVIN_OPTION_SPEC: OptionSpec<MetropolisLangevinOptions> = {
  steps: described(integerAtLeast(1), 'number of Langevin proposals'),
  stepSize: described(positive, "step size ε of the proposal x' = x + (ε/2)·s + √ε·z"),
  t: described(nonNegative, "time the score is evaluated at (default: the SDE's sampling eps)"),
  init: described(initChoice, "start: 'prior' or uniform:lo,hi"),
  logDensity: described(fn, 'log p(x) up to a constant (code only; default: the score integrated along the move)'),
};

/**
 * The Metropolis-adjusted Langevin algorithm (MALA; Roberts & Tweedie 1996): the Langevin proposal
 * x' = x + (ε/2)s(x) + √ε·z is accepted with probability min(1, p(x')q(x|x')/(p(x)q(x'|x))),
 * q(y|x) = N(y; x + (ε/2)s(x), εI), so the chain targets p exactly for any ε. `stats.acceptanceRate` reports the
 * mean acceptance; `denoise` (default false) adds one Tweedie step at t.
 *
 * @example
 * const mala = metropolisLangevinSampler({ stepSize: 0.5, logDensity: (x) => mixture.logProb(x) });
 * const { samples, stats } = await mala.run({ score, sde, shape: [1000, 2], seed: 0 });
 */
export function metropolisLangevinSampler(options: MetropolisLangevinOptions = {}): Sampler {
  const o = readOptions<MetropolisLangevinOptions>('mala', options, METROPOLIS_LANGEVIN_OPTION_SPEC);
  const r = { steps: 1000, stepSize: 0.1, ...o };
  return defineSampler('mala', r, (run) => mala(run, r));
}

function mala(run: SamplingRun, r: MetropolisLangevinOptions & { steps: number; stepSize: number }): SamplerProgram {
  const t = langevinTime(run, r.t);
  const eps = r.stepSize;
  const logDensity = r.logDensity;
  let s: tf.Tensor | null = null;
  let accepted = 0;
  return {
    total: r.steps,
    start() {
      const x = langevinStart(run, r.init, 'mala');
      s = tf.tidy(() => run.score(x, t));
      return { state: x, t };
    },
    step(_i, { state: x }) {
      const n = x.shape[0];
      const flat = (v: tf.Tensor) => tf.reshape(v, [n, -1]);
      const proposal = tf.add(tf.add(x, tf.mul(s!, eps / 2)), tf.mul(run.rng.normal(x.shape), Math.sqrt(eps)));
      const sProp = run.score(proposal, t);
      let logRatio: tf.Tensor;
      if (logDensity) logRatio = tf.sub(logDensity(proposal), logDensity(x));
      else {
        const dx = tf.sub(proposal, x);
        let integral = tf.mul(tf.sum(tf.mul(flat(tf.add(s!, sProp)), flat(dx)), 1), LOBATTO_END_W);
        LOBATTO_INNER.forEach((u, k) => {
          const su = run.score(tf.add(x, tf.mul(dx, u)), t);
          integral = tf.add(integral, tf.mul(tf.sum(tf.mul(flat(su), flat(dx)), 1), LOBATTO_INNER_W[k]));
        });
        logRatio = integral;
      }
      // log q(x|x') − log q(x'|x) with q(y|x) ∝ exp(−‖y − x − (ε/2)s(x)‖²/(2ε)).
      const forward = tf.sum(tf.square(flat(tf.sub(tf.sub(proposal, x), tf.mul(s!, eps / 2)))), 1);
      const backward = tf.sum(tf.square(flat(tf.sub(tf.sub(x, proposal), tf.mul(sProp, eps / 2)))), 1);
      const logAccept = tf.add(logRatio, tf.div(tf.sub(forward, backward), 2 * eps));
      const u = run.rng.uniform([n]);
      const accept = tf.less(tf.log(u), logAccept); // [n]
      const mask = tf.broadcastTo(tf.reshape(accept, [n, ...new Array(x.rank - 1).fill(1)]), x.shape);
      accepted += tf.sum(tf.cast(accept, 'float32')).dataSync()[0];
      const nextS = tf.keep(tf.where(mask, sProp, s!));
      s!.dispose();
      s = nextS;
      return { state: tf.where(mask, proposal, x), t };
    },
    finish({ state: x }) {
      const score = s!;
      s = null;
      if (run.denoise(false) && run.hasSde) {
        const sigma = run.sde.sigma(t);
        const d = tf.tidy(() => tf.div(tf.add(x, tf.mul(score, sigma * sigma)), run.sde.alpha(t)));
        score.dispose();
        return { x: d, t };
      }
      score.dispose();
      return { x, t };
    },
    carried: () => [s],
    stats: () => ({ acceptanceRate: accepted / (r.steps * run.n) }),
  };
}
