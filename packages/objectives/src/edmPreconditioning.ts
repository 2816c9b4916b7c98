/** EDM's preconditioning coefficients and loss weight at one noise level. */
export interface EdmPreconditioning {
  /** σ_d²/(σ² + σ_d²). */
  readonly cSkip: number;
  /** σ·σ_d/√(σ² + σ_d²). */
  readonly cOut: number;
  /** 1/√(σ² + σ_d²). */
  readonly cIn: number;
  /** ¼ ln σ. */
  readonly cNoise: number;
  /** λ(σ) = (σ² + σ_d²)/(σ·σ_d)² = 1/c_out². */
  readonly weight: number;
}

/**
 * Karras et al. 2022 (EDM, Table 1) preconditioning for a denoiser D(x; σ) = c_skip·x + c_out·F(c_in·x; c_noise),
 * and the loss weight λ(σ) that makes λ‖D − x₀‖² = ‖F − (x₀ − c_skip·x)/c_out‖² — unit-variance targets for F
 * (NVlabs/edm `training/networks.py EDMPrecond`, `training/loss.py EDMLoss`; k-diffusion `layers.py Denoiser`).
 *
 * @example
 * const { cSkip, cOut, weight } = edmPreconditioning(0.3); // σ_data 0.5
 */
export function edmPreconditioning(sigma: number, sigmaData = 0.5): EdmPreconditioning {
  if (typeof sigma !== 'number' || !(sigma > 0) || !Number.isFinite(sigma)) {
    throw new Error(`edmPreconditioning: sigma must be a number > 0; got ${sigma}`);
  }
  if (typeof sigmaData !== 'number' || !(sigmaData > 0) || !Number.isFinite(sigmaData)) {
    throw new Error(`edmPreconditioning: sigmaData must be a number > 0; got ${sigmaData}`);
  }
  const total = sigma * sigma + sigmaData * sigmaData;
  return {
    cSkip: (sigmaData * sigmaData) / total,
    cOut: (sigma * sigmaData) / Math.sqrt(total),
    cIn: 1 / Math.sqrt(total),
    cNoise: 0.25 * Math.log(sigma),
    weight: total / (sigma * sigmaData) ** 2,
  };
}
