import { describe, expect, it } from 'vitest';
import { Z_95, wilsonInterval, winRates, type VoteRecord } from '../src/index.js';

describe('wilsonInterval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3 (score
  // interval without continuity correction), printed to 4 decimals: tolerance half a unit of the last place.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i → [%f, %f] (Newcombe 1998)', (x, n, lo, hi) => {
    const r = wilsonInterval(x, n);
    expect(Math.abs(r.lower - lo)).toBeLessThanOrEqual(5e-5);
    expect(Math.abs(r.upper - hi)).toBeLessThanOrEqual(5e-5);
    expect(r.estimate).toBeCloseTo(x / n, 15);
  });

  // The closed form: the bounds are the two roots in p of (p̂ − p)² = z² p(1 − p)/n (the score test's acceptance
  // boundary). The residual is a difference of O(1) terms, so 1e-12 is rounding only.
  it.each([
    [3, 10],
    [7, 9],
    [50, 100],
    [1, 1000],
    [999, 1000],
  ])('its bounds for %i of %i solve the score equation', (x, n) => {
    const { lower, upper } = wilsonInterval(x, n);
    const residual = (p: number) => (x / n - p) ** 2 - (Z_95 * Z_95 * p * (1 - p)) / n;
    expect(Math.abs(residual(lower))).toBeLessThan(1e-12);
    expect(Math.abs(residual(upper))).toBeLessThan(1e-12);
    expect(lower).toBeLessThan(x / n);
    expect(upper).toBeGreaterThan(x / n);
  });

  it('is exact at the ends, symmetric under x ↔ n − x, and the whole of [0, 1] with no trials', () => {
    expect(wilsonInterval(0, 5).lower).toBe(0);
    expect(wilsonInterval(5, 5).upper).toBe(1);
    const a = wilsonInterval(3, 11);
    const b = wilsonInterval(8, 11);
    expect(a.lower).toBeCloseTo(1 - b.upper, 14);
    expect(a.upper).toBeCloseTo(1 - b.lower, 14);
    expect(wilsonInterval(0, 0)).toEqual({ estimate: 0.5, lower: 0, upper: 1 });
  });

  it('names what is wrong with its arguments', () => {
    expect(() => wilsonInterval(3, 2)).toThrow('successes must be an integer in [0, trials = 2], got 3');
    expect(() => wilsonInterval(1, 2.5)).toThrow('trials must be an integer ≥ 0, got 2.5');
  });
});

describe('winRates', () => {
  const vote = (left: string, right: string, overall: 'left' | 'right' | 'tie'): VoteRecord => ({
    time: '',
    left,
    right,
    leftIndex: 0,
    rightIndex: 0,
    choices: { fidelity: 'tie', aesthetics: 'left', defects: 'right', overall },
  });

  it('counts wins by set, whichever side it was shown on, leaves ties out of the rate', () => {
    const rows = winRates([vote('x', 'y', 'left'), vote('y', 'x', 'right'), vote('y', 'x', 'left'), vote('x', 'y', 'tie')]);
    const overall = rows.find((r) => r.aspect === 'overall');
    expect(overall).toMatchObject({ a: 'x', b: 'y', winsA: 2, winsB: 1, ties: 1 });
    expect(overall?.rateA).toEqual(wilsonInterval(2, 3));
    // aesthetics: always "left" → x won when shown left (votes 1 and 4), y when shown left (2 and 3).
    expect(rows.find((r) => r.aspect === 'aesthetics')).toMatchObject({ winsA: 2, winsB: 2, ties: 0 });
    expect(rows.find((r) => r.aspect === 'fidelity')).toMatchObject({ winsA: 0, winsB: 0, ties: 4 });
    expect(rows.length).toBe(4);
  });
});
