import type { Sde } from '@scorekit/sde';

const PROBES = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 1];

/**
 * What differs between two SDEs, or null when they are the same process: the name, T, or the perturbation
 * kernel's α(t), σ(t) at a few times (relative 1e-9) — so two instances built from the same config match.
 */
export function sdeDifference(a: Sde, b: Sde): string | null {
  if (a === b) return null;
  if (a.name !== b.name) return `SDE '${a.name}' vs '${b.name}'`;
  if (a.T !== b.T) return `T ${a.T} vs ${b.T}`;
  for (const f of PROBES) {
    const t = f * a.T;
    for (const [what, x, y] of [['α', a.alpha(t), b.alpha(t)], ['σ', a.sigma(t), b.sigma(t)]] as const) {
      if (Math.abs(x - y) > 1e-9 * Math.max(Math.abs(x), Math.abs(y), 1e-12)) return `${a.name} SDEs with ${what}(${t}) = ${x} vs ${y}`;
    }
  }
  return null;
}
