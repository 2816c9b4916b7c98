/** Options of {@link createEtaEstimator}. */
export interface EtaEstimatorOptions {
  /** The rate is measured over the last `windowFraction` of the elapsed time (default 0.5)… */
  readonly windowFraction?: number;
  /** …but over at least this many seconds (default 10), so that the first estimates are not one step's noise. */
  readonly minWindowSeconds?: number;
  /** Clock in seconds (default `performance.now() / 1000`); tests pass a fake one. */
  readonly now?: () => number;
}

/** Throughput and time left of a task measured in units of work (steps, images, thousandths of a time span). */
export interface EtaEstimator {
  /** Records that `done` units are complete now. */
  update(done: number): void;
  /** Units per second over the window (NaN before two updates at different times). */
  rate(): number;
  /** Seconds until `total` units are done at {@link rate} (NaN while the rate is unknown or zero). */
  eta(total: number): number;
  /** Seconds since the estimator was created. */
  elapsed(): number;
}

/**
 * A steady ETA: the rate is the work done over the last half of the elapsed time (at least `minWindowSeconds`),
 * not over the last few steps. On a shared machine step times swing by 10× as other jobs come and go; a window
 * that grows with the run averages those swings out, so the ETA settles instead of jumping between minutes and
 * hours (issue 14 saw 8 min ↔ 2 h 39 min from a 10-step window), while still following a lasting change of speed
 * within half the elapsed time.
 *
 * @example
 * const eta = createEtaEstimator();
 * eta.update(120);
 * console.log(formatDuration(eta.eta(2000)));
 */
export function createEtaEstimator(options: EtaEstimatorOptions = {}): EtaEstimator {
  const now = options.now ?? (() => performance.now() / 1000);
  const fraction = options.windowFraction ?? 0.5;
  const minWindow = options.minWindowSeconds ?? 10;
  const start = now();
  // (time, done) pairs, oldest first; entries older than the window are dropped except the last one before it,
  // which the window's start is interpolated from.
  const points: [number, number][] = [[start, 0]];
  let first = true;
  const windowStart = (t: number): number => t - Math.max(minWindow, fraction * (t - start));
  return {
    update(done) {
      const t = now();
      if (first && done > 0 && points.length === 1) {
        // The first report can come after set-up work (loading data, building the model): measure from it.
        points[0] = [t, done];
        first = false;
        return;
      }
      first = false;
      points.push([t, done]);
      const from = windowStart(t);
      while (points.length > 2 && points[1]![0] <= from) points.shift();
    },
    rate() {
      const last = points[points.length - 1]!;
      const from = Math.max(windowStart(last[0]), points[0]![0]);
      const [t0, d0] = points[0]!;
      const [t1, d1] = points.length > 1 ? points[1]! : last;
      // The work done at the window's start, interpolated between the two points around it.
      const doneAtFrom = t1 > t0 ? d0 + ((d1 - d0) * (from - t0)) / (t1 - t0) : d0;
      const span = last[0] - from;
      return span > 0 ? (last[1] - doneAtFrom) / span : NaN;
    },
    eta(total) {
      const r = this.rate();
      const done = points[points.length - 1]![1];
      return r > 0 ? Math.max(total - done, 0) / r : NaN;
    },
    elapsed: () => now() - start,
  };
}
