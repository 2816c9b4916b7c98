/** Options of {@link ncsnSigmas}; defaults are NCSN's (Song & Ermon 2019: σ 1 → 0.01, L = 10). */
export interface NcsnSigmasConfig {
  /** Largest σ₁, default 1. */
  readonly sigmaBegin?: number;
  /** Smallest σ_L, default 0.01. */
  readonly sigmaEnd?: number;
  /** Number of levels L, default 10. */
  readonly levels?: number;
}

/**
 * NCSN's geometric noise ladder σ₁ > σ₂ > … > σ_L with a constant ratio (ermongroup/ncsn `anneal_runner.py`):
 * σ_i = σ₁·(σ_L/σ₁)^{(i−1)/(L−1)}. Used by the multi-σ DSM objective and annealed Langevin dynamics.
 *
 * @example
 * ncsnSigmas(); // [1, 0.599…, …, 0.01]
 */
export function ncsnSigmas(config: NcsnSigmasConfig = {}): Float64Array {
  const begin = config.sigmaBegin ?? 1;
  const end = config.sigmaEnd ?? 0.01;
  const L = config.levels ?? 10;
  if (!(begin > end && end > 0)) throw new Error(`ncsnSigmas: need sigmaBegin > sigmaEnd > 0; got ${begin}, ${end}`);
  if (!Number.isInteger(L) || L < 2) throw new Error(`ncsnSigmas: levels must be an integer ≥ 2; got ${L}`);
  const out = new Float64Array(L);
  for (let i = 0; i < L; i++) out[i] = Math.exp(Math.log(begin) + (i / (L - 1)) * Math.log(end / begin));
  return out;
}
