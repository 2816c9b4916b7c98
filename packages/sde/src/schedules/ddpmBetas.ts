/** β schedules of the discrete DDPM chain. */
export type DdpmBetaSchedule = 'linear' | 'cosine';

/** Options of {@link ddpmBetas}. */
export interface DdpmBetasConfig {
  readonly schedule?: DdpmBetaSchedule;
  /** Number of steps N, default 1000. */
  readonly N?: number;
  /** Linear schedule: β₁, default 1e-4 (Ho et al. 2020). */
  readonly betaStart?: number;
  /** Linear schedule: β_N, default 0.02. */
  readonly betaEnd?: number;
  /** Cosine schedule offset s, default 0.008 (Nichol & Dhariwal 2021). */
  readonly cosineS?: number;
}

/**
 * The β₁…β_N of the DDPM chain, in float64. `linear`: evenly spaced from 1e-4 to 0.02 (Ho et al.); `cosine`:
 * ᾱ(i) = cos²(((i/N + s)/(1 + s))·π/2)/ᾱ(0), β_i = 1 − ᾱ_i/ᾱ_{i−1} clipped to 0.999 (Nichol & Dhariwal,
 * improved-diffusion `get_named_beta_schedule`).
 *
 * @example
 * const betas = ddpmBetas({ schedule: 'cosine', N: 1000 });
 */
export function ddpmBetas(config: DdpmBetasConfig = {}): Float64Array {
  const schedule = config.schedule ?? 'linear';
  const N = config.N ?? 1000;
  if (!Number.isInteger(N) || N < 2) throw new Error(`ddpmBetas: N must be an integer ≥ 2; got ${N}`);
  const betas = new Float64Array(N);
  if (schedule === 'linear') {
    const start = config.betaStart ?? 1e-4;
    const end = config.betaEnd ?? 0.02;
    if (!(start > 0 && end >= start && end < 1)) {
      throw new Error(`ddpmBetas: need 0 < betaStart ≤ betaEnd < 1; got betaStart ${start}, betaEnd ${end}`);
    }
    for (let i = 0; i < N; i++) betas[i] = start + ((end - start) * i) / (N - 1);
  } else if (schedule === 'cosine') {
    const s = config.cosineS ?? 0.008;
    if (!(s >= 0)) throw new Error(`ddpmBetas: cosineS must be ≥ 0; got ${s}`);
    const f = (i: number) => Math.cos((((i / N) + s) / (1 + s)) * (Math.PI / 2)) ** 2;
    for (let i = 0; i < N; i++) betas[i] = Math.min(1 - f(i + 1) / f(i), 0.999);
  } else {
    throw new Error(`ddpmBetas: unknown schedule '${String(schedule)}'. Allowed: linear, cosine`);
  }
  return betas;
}
