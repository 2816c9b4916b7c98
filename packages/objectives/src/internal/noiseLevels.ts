import type { Sde } from '@scorekit/sde';

/**
 * The SDE time at which σ(t)/α(t) equals each noise level, with one clear error for a level the SDE cannot reach.
 * (NCSN's σ ladder and EDM's σ live on the data scale; a model on any SDE sees them at these times.)
 */
export function timesForNoiseLevels(sde: Sde, levels: ArrayLike<number>, where: string): Float64Array {
  const [lo, hi] = noiseRatioRange(sde);
  const out = new Float64Array(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (!(level > 0) || level < lo * (1 - 1e-9) || level > hi * (1 + 1e-9)) {
      throw new Error(`${where}: noise level σ = ${level} is outside what the model's '${sde.name}' SDE reaches: σ(t)/α(t) ∈ [${fmt(lo)}, ${fmt(hi)}] (and σ > 0)`);
    }
    out[i] = sde.timeForNoiseRatio(Math.min(Math.max(level, lo), hi));
  }
  return out;
}

/** [σ(0)/α(0), σ(T)/α(T)]: the noise-to-signal ratios an SDE reaches on [0, T] (it grows monotonically in t). */
export function noiseRatioRange(sde: Sde): [number, number] {
  return [sde.sigma(0) / sde.alpha(0), sde.sigma(sde.T) / sde.alpha(sde.T)];
}

/** A range end for messages: 6 significant digits, so float64 noise (9.999999999999998) reads as 10. */
export function fmt(v: number): string {
  return String(Number(v.toPrecision(6)));
}
