/**
 * A small seeded generator (mulberry32) so the two-sample statistics are reproducible without depending on
 * @scorekit/core (which itself tests with these utilities).
 *
 * @example
 * const u = twoSampleRandom(0)(); // in [0, 1)
 */
export function twoSampleRandom(seed: number): () => number {
  let a = Math.floor(seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
