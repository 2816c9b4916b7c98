import cliProgress from 'cli-progress';
import { createEtaEstimator } from './etaEstimator.js';
import { formatDuration } from './progress.js';

/** Options of {@link createTaskProgress}. */
export interface TaskProgressOptions {
  /** What the units are, for the line: `steps`, `images`; `'‰ of the time span'` style units print as given. */
  readonly unit?: string;
  /** Where to draw. Default `process.stderr`, so stdout stays clean for results. */
  readonly stream?: NodeJS.WriteStream;
  /** A live bar (`true`) or plain lines (`false`). Default: whether `stream` is a TTY. */
  readonly tty?: boolean;
  /** Without a TTY, the least time between two printed lines, in ms. Default 5000. */
  readonly lineIntervalMs?: number;
  /** Where plain lines go when not a TTY (default: written to `stream`). Tests pass a collector. */
  readonly writeLine?: (line: string) => void;
  /** Clock in seconds for the ETA (tests). */
  readonly now?: () => number;
}

/** A progress display for one long task: `update(done, total, detail)` as work completes, `stop()` at the end. */
export interface TaskProgress {
  /** `detail` is extra text for the line, e.g. `NFE 128`. */
  update(done: number, total: number, detail?: string): void;
  stop(): void;
}

/**
 * Progress of a sampling run, a likelihood computation or a feature extraction, with the same steady ETA as
 * training (see `createEtaEstimator`): a live `cli-progress` bar on a terminal, else one plain line every
 * `lineIntervalMs` plus the last, e.g. `sample: 40/100 steps (40%) | NFE 40 | 2.1 steps/s | 19s | ETA 29s`.
 *
 * @example
 * const progress = createTaskProgress('sample', { unit: 'steps' });
 * await sampler.run({ ..., onProgress: (done, total) => progress.update(done, total, `NFE ${nfe}`) });
 * progress.stop();
 */
export function createTaskProgress(label: string, options: TaskProgressOptions = {}): TaskProgress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const unit = options.unit ?? 'steps';
  const eta = createEtaEstimator(options.now != null ? { now: options.now } : {});
  const fields = (done: number, total: number, detail: string | undefined) => {
    eta.update(done);
    const rate = eta.rate();
    return {
      detail: detail != null && detail !== '' ? ` | ${detail}` : '',
      rate: Number.isFinite(rate) ? (rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2)) : '-',
      elapsed: formatDuration(eta.elapsed()),
      etaText: done >= total ? '0s' : formatDuration(eta.eta(total)),
    };
  };
  if (tty && options.writeLine === undefined) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      update: (done, total, detail) => {
        const f = fields(done, total, detail);
        if (bar === undefined) {
          bar = new cliProgress.SingleBar(
            { format: `${label} [{bar}] {value}/{total} ${unit}{detail} | {rate} ${unit}/s | {elapsed} | ETA {etaText}`, stream, hideCursor: true, barsize: 30 },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, f);
        }
        bar.setTotal(total);
        bar.update(done, f);
      },
      stop: () => bar?.stop(),
    };
  }
  const write = options.writeLine ?? ((line: string) => stream.write(`${line}\n`));
  const interval = options.lineIntervalMs ?? 5000;
  let lastPrinted = -Infinity;
  let pending: string | undefined;
  return {
    update: (done, total, detail) => {
      const f = fields(done, total, detail);
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      const line = `${label}: ${done}/${total} ${unit} (${pct}%)${f.detail} | ${f.rate} ${unit}/s | ${f.elapsed} | ETA ${f.etaText}`;
      const now = Date.now();
      if (now - lastPrinted >= interval || done >= total) {
        lastPrinted = now;
        pending = undefined;
        write(line);
      } else {
        pending = line;
      }
    },
    stop: () => {
      if (pending !== undefined) write(pending);
      pending = undefined;
    },
  };
}
