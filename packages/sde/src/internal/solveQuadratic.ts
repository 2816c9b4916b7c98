/**
 * The non-negative root t of a·t² + b·t = c (a ≥ 0, b > 0, c ≥ 0), written to avoid cancellation:
 * t = 2c / (b + √(b² + 4ac)). Inverts the VP/sub-VP log-mean-coefficient ½t²(β₁−β₀) + tβ₀.
 */
export function solveQuadratic(a: number, b: number, c: number): number {
  return (2 * c) / (b + Math.sqrt(b * b + 4 * a * c));
}
