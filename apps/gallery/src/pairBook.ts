import { randomBytes, randomInt } from 'node:crypto';
import type { SourceId } from './votes.js';

/** A pair shown to a judge: which set is on which side, and which sample of each. */
export interface IssuedPair {
  readonly left: SourceId;
  readonly right: SourceId;
  readonly leftIndex: number;
  readonly rightIndex: number;
}

/**
 * Issues blind pairs and redeems each once. The sides are drawn at random per pair and the page only ever sees an
 * opaque id, so neither the order nor the names can bias the judge; a vote must name an id the gallery issued and
 * not yet used, which is how votes are tied to what was shown. Holds at most `capacity` open pairs (oldest dropped).
 *
 * @example
 * const book = createPairBook();
 * const { id, pair } = book.issue('runA/step-1.npy', 'runB/step-1.npy', 64, 64);
 * book.redeem(id); // the pair, once; then undefined
 */
export function createPairBook(capacity = 1000) {
  const open = new Map<string, IssuedPair>();
  return {
    issue(a: SourceId, b: SourceId, countA: number, countB: number): { id: string; pair: IssuedPair } {
      const swap = randomInt(2) === 1;
      const ia = randomInt(Math.max(countA, 1));
      const ib = randomInt(Math.max(countB, 1));
      const pair: IssuedPair = swap ? { left: b, right: a, leftIndex: ib, rightIndex: ia } : { left: a, right: b, leftIndex: ia, rightIndex: ib };
      const id = randomBytes(12).toString('base64url');
      open.set(id, pair);
      if (open.size > capacity) open.delete(open.keys().next().value as string);
      return { id, pair };
    },
    redeem(id: string): IssuedPair | undefined {
      const pair = open.get(id);
      open.delete(id);
      return pair;
    },
  };
}
