import type { Sde } from '@scorekit/sde';

/**
 * The weight λ(t) of continuous-time denoising score matching, E_t λ(t)·E‖s − ∇log p_0t‖²:
 * 'sigma2' λ = σ(t)² (Song et al. 2021's default: the ε-prediction loss), 'likelihood' λ = g(t)² (Song, Durkan
 * et al. 2021: the loss bounds the negative log-likelihood), 'none' λ = 1.
 */
export type LossWeighting = 'sigma2' | 'likelihood' | 'none';
/** The weightings the continuous-time objective accepts. */
export const LOSS_WEIGHTINGS: readonly LossWeighting[] = ['sigma2', 'likelihood', 'none'];

/**
 * λ(t) for a weighting on an SDE, in float64.
 *
 * @example
 * lossWeight(new VpSde(), 'likelihood', 0.5); // g(0.5)² = β(0.5)
 */
export function lossWeight(sde: Sde, weighting: LossWeighting, t: number): number {
  if (weighting === 'sigma2') return sde.sigma(t) ** 2;
  if (weighting === 'likelihood') return sde.diffusion(t) ** 2;
  if (weighting === 'none') return 1;
  throw new Error(`lossWeight: unknown weighting '${String(weighting)}'. Allowed: ${LOSS_WEIGHTINGS.join(', ')}`);
}

/**
 * λ(t)/σ(t)²: the factor in front of ‖ε̂ − ε‖² (since ‖s − ∇log p_0t‖² = ‖ε̂ − ε‖²/σ²), and the shape of the
 * importance-sampling density of t.
 */
export function weightOverSigma2(sde: Sde, weighting: LossWeighting, t: number): number {
  if (weighting === 'sigma2') return 1;
  const s = sde.sigma(t);
  return weighting === 'likelihood' ? (sde.diffusion(t) / s) ** 2 : 1 / (s * s);
}
