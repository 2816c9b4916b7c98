import { ASPECTS, type Aspect } from './aspects.js';
import type { SourceId, VoteRecord } from './votes.js';
import { wilsonInterval, type ProportionInterval } from './wilsonInterval.js';

/** The tally of one aspect between two sample sets `a` and `b` (a < b by name, whatever side they were shown on). */
export interface WinRate {
  readonly a: SourceId;
  readonly b: SourceId;
  readonly aspect: Aspect;
  readonly winsA: number;
  readonly winsB: number;
  readonly ties: number;
  /** a's share of the decided votes (ties left out) with its 95% Wilson interval. */
  readonly rateA: ProportionInterval;
}

/**
 * Tallies votes into win rates per pair of sample sets and per aspect. Ties are counted but left out of the rate:
 * the interval is on P(a preferred | a preference was expressed), which is what a binomial model of the decided
 * votes supports. Pairs are keyed without order, so the screen side — randomised per pair — does not matter.
 *
 * @example
 * const rows = winRates(votes); // [{ a: 'run1/step-…npy', b: 'run2/…', aspect: 'overall', winsA: 7, winsB: 3, … }]
 */
export function winRates(votes: readonly VoteRecord[]): WinRate[] {
  const tallies = new Map<string, { a: SourceId; b: SourceId; counts: Record<Aspect, [number, number, number]> }>();
  for (const vote of votes) {
    const [a, b] = [vote.left, vote.right].sort();
    const key = JSON.stringify([a, b]);
    let t = tallies.get(key);
    if (!t) {
      t = { a, b, counts: Object.fromEntries(ASPECTS.map((x) => [x, [0, 0, 0]])) as Record<Aspect, [number, number, number]> };
      tallies.set(key, t);
    }
    for (const aspect of ASPECTS) {
      const choice = vote.choices[aspect];
      const c = t.counts[aspect];
      if (choice === 'tie') c[2]++;
      else if ((choice === 'left' ? vote.left : vote.right) === a && a !== b) c[0]++;
      else if (a !== b) c[1]++;
      else c[2]++; // a set against itself: a decided vote carries no preference between sets
    }
  }
  const rows: WinRate[] = [];
  for (const { a, b, counts } of [...tallies.values()].sort((x, y) => x.a.localeCompare(y.a) || x.b.localeCompare(y.b))) {
    for (const aspect of ASPECTS) {
      const [winsA, winsB, ties] = counts[aspect];
      rows.push({ a, b, aspect, winsA, winsB, ties, rateA: wilsonInterval(winsA, winsA + winsB) });
    }
  }
  return rows;
}
