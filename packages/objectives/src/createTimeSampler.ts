import type { Rng } from '@scorekit/core';
import type { Sde } from '@scorekit/sde';
import { LOSS_WEIGHTINGS, weightOverSigma2, type LossWeighting } from './LossWeighting.js';
import { Problems, asRecord } from './internal/Problems.js';

/** Options of {@link createTimeSampler}. */
export interface TimeSamplerOptions {
  /** The loss weighting λ(t) the importance density follows, default 'sigma2'. */
  readonly weighting?: LossWeighting;
  /** Time cut-off: t ∈ [eps, T], default 1e-5 (score_sde `losses.py get_sde_loss_fn`). */
  readonly eps?: number;
  /** Draw t ∝ λ(t)/σ(t)² instead of uniformly, default false. */
  readonly importanceSampling?: boolean;
}

/** How a {@link TimeSampler} draws t. */
export type TimeSamplingMethod = 'uniform' | 'log-snr' | 'tabulated';

/**
 * Draws diffusion times on [eps, T] with importance weights w(t) = (1/(T − eps))/q(t), so that E_q[w·f(t)] equals
 * the uniform average E_{U(eps,T)}[f(t)] for any f: switching importance sampling on changes the variance of a
 * time-averaged loss, never its expectation.
 */
export interface TimeSampler {
  readonly eps: number;
  readonly T: number;
  /** 'uniform'; 'log-snr' (closed-form inverse CDF); 'tabulated' (numerically inverted CDF). */
  readonly method: TimeSamplingMethod;
  /** The density q(t) the times are drawn from (normalised on [eps, T]; 0 outside). */
  density(t: number): number;
  /** n times (float64) and their importance weights. */
  sample(n: number, rng: Rng): { t: Float64Array; weights: Float64Array };
}

/** Validates and completes time-sampler options, reporting every problem at once (`where` prefixes messages). */
export function resolveTimeSamplerOptions(options: unknown, T: number, where = 'timeSampler'): Required<TimeSamplerOptions> {
  const p = new Problems(where);
  const o = asRecord(where, options);
  p.unknownKeys(o, ['weighting', 'eps', 'importanceSampling']);
  const resolved = {
    weighting: p.oneOf(o, 'weighting', 'sigma2', LOSS_WEIGHTINGS),
    eps: p.num(o, 'eps', 1e-5, (v) => v > 0 && v < T, `a number in (0, ${T})`),
    importanceSampling: p.bool(o, 'importanceSampling', false),
  };
  p.throwIfAny();
  return resolved;
}

/**
 * The sampler of t for continuous-time DSM. Uniform on [eps, T] unless `importanceSampling`, which draws t with
 * density q(t) ∝ λ(t)/σ(t)² (Song, Durkan, Murray & Ermon 2021, "Maximum likelihood training of score-based
 * diffusion models", §5), making λ(t)·‖s − ∇log p_0t‖² = (λ/σ²)·‖ε̂ − ε‖² roughly flat in t:
 * - 'sigma2': q is uniform (λ/σ² = 1).
 * - 'likelihood': q ∝ g²/σ², which for any linear SDE is d/dt ln(σ²/α²) — uniform in the log noise-to-signal
 *   ratio. Its CDF is [ρ(t) − ρ(eps)]/[ρ(T) − ρ(eps)] with ρ = ln(σ²/α²), inverted in closed form by the SDE's
 *   `timeForNoiseRatio` (score_flow `sde_lib.py likelihood_importance_cum_weight` is the VP/sub-VP case).
 * - 'none': q ∝ 1/σ² (the "t ∝ 1/σ_t²" taken literally) has no closed-form CDF on VP; it is tabulated
 *   on a fine grid and inverted piecewise, and q is that piecewise-constant density, so the weights stay exact.
 *
 * @example
 * const sampler = createTimeSampler(new VpSde(), { weighting: 'likelihood', importanceSampling: true });
 * const { t, weights } = sampler.sample(128, rng);
 */
export function createTimeSampler(sde: Sde, options: TimeSamplerOptions = {}): TimeSampler {
  const { weighting, eps, importanceSampling } = resolveTimeSamplerOptions(options, sde.T);
  if (!importanceSampling || weighting === 'sigma2') return uniformSampler(eps, sde.T);
  if (weighting === 'likelihood') return logSnrSampler(sde, eps);
  return tabulatedSampler(sde, eps, (t) => weightOverSigma2(sde, weighting, t));
}

function uniformSampler(eps: number, T: number): TimeSampler {
  const width = T - eps;
  return {
    eps,
    T,
    method: 'uniform',
    density: (t) => (t >= eps && t <= T ? 1 / width : 0),
    sample: (n, rng) => {
      const t = new Float64Array(n);
      for (let i = 0; i < n; i++) t[i] = eps + width * rng.nextFloat();
      return { t, weights: new Float64Array(n).fill(1) };
    },
  };
}

function logSnrSampler(sde: Sde, eps: number): TimeSampler {
  const T = sde.T;
  const rho = (t: number) => 2 * Math.log(sde.sigma(t) / sde.alpha(t));
  const rhoEps = rho(eps);
  const Z = rho(T) - rhoEps;
  const density = (t: number) => (t >= eps && t <= T ? weightOverSigma2(sde, 'likelihood', t) / Z : 0);
  return {
    eps,
    T,
    method: 'log-snr',
    density,
    sample: (n, rng) => {
      const t = new Float64Array(n);
      const weights = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const ratio = Math.exp(0.5 * (rhoEps + Z * rng.nextFloat()));
        t[i] = Math.min(Math.max(sde.timeForNoiseRatio(ratio), eps), T);
        weights[i] = 1 / ((T - eps) * density(t[i]));
      }
      return { t, weights };
    },
  };
}

// Grid: 1024 log-spaced knots (resolve the 1/t-like spike of 1/σ² near eps on VP) merged with 1024 linear ones
// (resolve smooth variation near T). Masses by Simpson's rule per interval; any positive masses give exact weights.
function tabulatedSampler(sde: Sde, eps: number, f: (t: number) => number): TimeSampler {
  const T = sde.T;
  const K = 1024;
  const raw: number[] = [];
  for (let k = 0; k <= K; k++) {
    raw.push(eps * Math.pow(T / eps, k / K));
    raw.push(eps + ((T - eps) * k) / K);
  }
  raw.sort((a, b) => a - b);
  const knots = raw.filter((v, i) => i === 0 || v - raw[i - 1] > 1e-15 * T);
  knots[0] = eps;
  knots[knots.length - 1] = T;
  const m = knots.length - 1;
  const mass = new Float64Array(m);
  const cumulative = new Float64Array(m + 1);
  for (let k = 0; k < m; k++) {
    const a = knots[k];
    const b = knots[k + 1];
    mass[k] = ((b - a) / 6) * (f(a) + 4 * f(0.5 * (a + b)) + f(b));
    if (!(mass[k] > 0) || !Number.isFinite(mass[k])) {
      throw new Error(`createTimeSampler: the importance density is not positive and finite on [${a}, ${b}]`);
    }
    cumulative[k + 1] = cumulative[k] + mass[k];
  }
  const total = cumulative[m];
  const intervalOf = (t: number) => {
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (knots[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const densityIn = (k: number) => mass[k] / (total * (knots[k + 1] - knots[k]));
  return {
    eps,
    T,
    method: 'tabulated',
    density: (t) => (t >= eps && t <= T ? densityIn(intervalOf(t)) : 0),
    sample: (n, rng) => {
      const t = new Float64Array(n);
      const weights = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const target = rng.nextFloat() * total;
        let lo = 0;
        let hi = m - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (cumulative[mid] <= target) lo = mid;
          else hi = mid - 1;
        }
        const frac = Math.min(Math.max((target - cumulative[lo]) / mass[lo], 0), 1);
        t[i] = knots[lo] + frac * (knots[lo + 1] - knots[lo]);
        weights[i] = 1 / ((T - eps) * densityIn(lo));
      }
      return { t, weights };
    },
  };
}
