// The density plot's numbers against closed forms: a Gaussian's density, its highest-density regions (circles of
// radius σ√(−2 ln(1 − m)) holding mass m) and the contours drawn at their levels.
import { describe, expect, it } from 'vitest';
import { contourSegments, highestDensityLevels, histogram2d, lattice, mixtureDensity2d } from '../public/density.js';

describe('density plot numbers', () => {
  it('the mixture density is the closed form, with full covariances or stds', () => {
    const p = mixtureDensity2d({ weights: [0.8, 0.2], means: [[5, 5], [-5, -5]], stds: [1, 1] });
    // At a mean, the other component is 10√2 standard deviations away (e^{−100} ≈ 0).
    expect(p(5, 5)).toBeCloseTo(0.8 / (2 * Math.PI), 12);
    expect(p(-5, -4)).toBeCloseTo((0.2 / (2 * Math.PI)) * Math.exp(-0.5), 12);
    const q = mixtureDensity2d({ weights: [1], means: [[0, 0]], covariances: [[[2, 0.6], [0.6, 1]]] });
    // N(0, Σ) at x: exp(−½ xᵀΣ⁻¹x)/(2π√det Σ), det = 1.64, Σ⁻¹ = [[1, −0.6], [−0.6, 2]]/1.64.
    const [x, y] = [1, -0.5];
    const quad = (1 * x * x - 2 * 0.6 * x * y + 2 * y * y) / 1.64;
    expect(q(x, y)).toBeCloseTo(Math.exp(-0.5 * quad) / (2 * Math.PI * Math.sqrt(1.64)), 12);
  });

  it('highest-density contours of a Gaussian are circles of radius σ√(−2 ln(1 − m))', () => {
    const sigma = 1.5;
    const p = mixtureDensity2d({ weights: [1], means: [[0, 0]], stds: [sigma] });
    const view = [-8, 8, -8, 8] as const;
    const cells = 160; // lattice spacing 0.1
    const values = lattice(p, view, cells);
    const masses = [0.5, 0.9, 0.99];
    const levels = highestDensityLevels(values, masses);
    for (const [k, m] of masses.entries()) {
      const radius = sigma * Math.sqrt(-2 * Math.log(1 - m));
      const segments = contourSegments(values, view, cells, levels[k]!);
      expect(segments.length).toBeGreaterThan(40);
      // The mass threshold on the lattice is exact to about one cell of area, and linear interpolation of a
      // Gaussian across a 0.1 cell errs by < 0.01 in position: ±0.05 in radius.
      for (const [x0, y0, x1, y1] of segments) {
        expect(Math.abs(Math.hypot(x0, y0) - radius)).toBeLessThan(0.05);
        expect(Math.abs(Math.hypot(x1, y1) - radius)).toBeLessThan(0.05);
      }
    }
  });

  it('the histogram counts each point in its bin and drops those outside', () => {
    const counts = histogram2d([0.5, 0.5, -0.5, 0.5, -0.5, 0.7, 3, 0, 0.99, -0.99], [-1, 1, -1, 1], 2);
    // Bins row-major from ymin: [(−,−), (+,−), (−,+), (+,+)].
    expect(Array.from(counts)).toEqual([0, 1, 2, 1]);
  });
});
