/** A proportion's point estimate and its confidence interval. */
export interface ProportionInterval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z_95 = 1.959963984540054;

/**
 * The Wilson score interval for `successes` out of `trials` (Wilson 1927; Newcombe 1998, method 3): the p whose
 * normal test does not reject, i.e. the roots of (p̂ − p)² = z² p(1 − p)/n. Unlike p̂ ± z√(p̂(1−p̂)/n) it stays in
 * [0, 1] and is not degenerate at 0 or n successes, which matters for the small vote counts of human evaluation.
 * With no trials it returns the whole of [0, 1] around an estimate of ½.
 *
 * @example
 * wilsonInterval(81, 263); // { estimate: 0.308, lower: 0.2553, upper: 0.3662 } (Newcombe's example)
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): ProportionInterval {
  if (!Number.isInteger(trials) || trials < 0) throw new Error(`wilsonInterval: trials must be an integer ≥ 0, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new Error(`wilsonInterval: successes must be an integer in [0, trials = ${trials}], got ${successes}`);
  }
  if (trials === 0) return { estimate: 0.5, lower: 0, upper: 1 };
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 or n successes one root is exactly 0 or 1; clamp the rounding of centre ∓ half there.
  return { estimate: p, lower: successes === 0 ? 0 : centre - half, upper: successes === n ? 1 : centre + half };
}
