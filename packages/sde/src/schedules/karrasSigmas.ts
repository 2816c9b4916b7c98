/** Options of {@link karrasSigmas}; defaults are EDM's (Karras et al. 2022: σ 0.002 … 80, ρ = 7). */
export interface KarrasSigmasConfig {
  readonly sigmaMin?: number;
  readonly sigmaMax?: number;
  readonly rho?: number;
}

/**
 * Karras/EDM noise levels σ_i = (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ for i = 0…n−1, followed by
 * a final 0 (NVlabs/edm `generate.py`, k-diffusion `get_sigmas_karras`). Returns n + 1 values, decreasing.
 *
 * @example
 * karrasSigmas(18); // 19 values from 80 down to 0.002, then 0
 */
export function karrasSigmas(n: number, config: KarrasSigmasConfig = {}): Float64Array {
  const sigmaMin = config.sigmaMin ?? 0.002;
  const sigmaMax = config.sigmaMax ?? 80;
  const rho = config.rho ?? 7;
  if (!Number.isInteger(n) || n < 1) throw new Error(`karrasSigmas: n must be an integer ≥ 1; got ${n}`);
  if (!(sigmaMax > sigmaMin && sigmaMin > 0)) throw new Error(`karrasSigmas: need sigmaMax > sigmaMin > 0; got ${sigmaMax}, ${sigmaMin}`);
  if (!(rho > 0)) throw new Error(`karrasSigmas: rho must be > 0; got ${rho}`);
  const out = new Float64Array(n + 1);
  const a = sigmaMax ** (1 / rho);
  const b = sigmaMin ** (1 / rho);
  for (let i = 0; i < n; i++) out[i] = (a + (n === 1 ? 0 : i / (n - 1)) * (b - a)) ** rho;
  out[n] = 0;
  return out;
}
