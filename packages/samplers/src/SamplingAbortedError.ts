/**
 * Thrown by a sampler whose `signal` was aborted: `name` is `'AbortError'` (as `fetch` and Node streams use), and
 * the message and fields say which sampler stopped, and where.
 *
 * @example
 * const controller = new AbortController();
 * const run = sampler.run({ score, sde, shape, seed: 0, signal: controller.signal });
 * controller.abort();
 * await run; // throws SamplingAbortedError: "ddim aborted before step 1 of 50 (t = 1)"
 */
export class SamplingAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor(
    readonly sampler: string,
    /** Steps completed when it stopped. */
    readonly step: number,
    readonly total: number,
    /** The time of the state it stopped at. */
    readonly t: number,
  ) {
    super(`${sampler} aborted before step ${step + 1} of ${total} (t = ${Number(t.toPrecision(6))})`);
  }
}
