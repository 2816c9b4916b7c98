import type { Sde } from '@scorekit/sde';

/** How the steps of a deterministic solver are spaced: uniformly in t, or uniformly in λ = log(α/σ). */
export type TimeSpacing = 'time' | 'logSNR';

/**
 * score_sde's grid for the SDE samplers (sampling.py get_pc_sampler): t_i = linspace(T, eps, N)[i]. Step i moves
 * from t_i to t_{i+1}, and the last step from eps to 0, so the steps span exactly [0, T] (score_sde uses
 * dt = 1/N throughout, which differs from this by O(eps + 1/N) in the total time).
 */
export function sdeGrid(sde: Sde, steps: number, eps: number): { times: number[]; next: number[] } {
  const times = linspace(sde.T, eps, steps);
  const next = [...times.slice(1), 0];
  return { times, next };
}

/**
 * steps + 1 times from T down to eps for deterministic solvers, uniform in t (dpm-solver 'time_uniform') or in
 * λ = log α − log σ (dpm-solver 'logSNR', mapped back with `sde.timeForNoiseRatio(e^{−λ})`).
 */
export function solverGrid(sde: Sde, steps: number, eps: number, spacing: TimeSpacing): number[] {
  if (spacing === 'time') return linspace(sde.T, eps, steps + 1);
  const lambda = (t: number) => Math.log(sde.alpha(t)) - Math.log(sde.sigma(t));
  const lambdas = linspace(lambda(sde.T), lambda(eps), steps + 1);
  const out = lambdas.map((l, i) => (i === 0 ? sde.T : i === steps ? eps : sde.timeForNoiseRatio(Math.exp(-l))));
  return out;
}

/** n evenly spaced values from a to b inclusive (n = 1 gives [a]). */
export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + ((b - a) * i) / (n - 1)));
}

/**
 * The Gaussian transition of the forward SDE from time s to t > s: x_t = a·x_s + √v·z with a = α(t)/α(s) and
 * v = σ(t)² − a²σ(s)² (clamped at 0 against rounding).
 */
export function transition(sde: Sde, t: number, s: number): { a: number; v: number } {
  const a = sde.alpha(t) / sde.alpha(s);
  const v = Math.max(sde.sigma(t) ** 2 - a * a * sde.sigma(s) ** 2, 0);
  return { a, v };
}

/** Rejects an eps outside (0, T). */
export function checkEps(sampler: string, sde: Sde, eps: number): void {
  if (!(eps > 0 && eps < sde.T)) throw new Error(`${sampler}: eps must lie in (0, T = ${sde.T}); got ${eps}`);
}
