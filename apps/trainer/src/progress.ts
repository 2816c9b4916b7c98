import cliProgress from 'cli-progress';
import { createEtaEstimator } from './etaEstimator.js';

/** What a training step reports to the progress display. */
export interface ProgressUpdate {
  readonly step: number;
  readonly loss: number;
  /** Steps per second, averaged over a recent window. */
  readonly stepsPerSec: number;
}

export interface ProgressOptions {
  /** Total number of steps (the bar's end). */
  readonly total: number;
  /** The step the run starts from (non-zero when resuming). */
  readonly start?: number;
  /** Where to draw. Default `process.stderr`, so stdout stays clean for results. */
  readonly stream?: NodeJS.WriteStream;
  /** Draw a live bar (`true`) or print plain lines (`false`). Default: whether `stream` is a TTY. */
  readonly tty?: boolean;
  /** Without a TTY, the least time between two printed lines, in ms. Default 5000. */
  readonly lineIntervalMs?: number;
  /** Where plain lines go when not a TTY (default: written to `stream`). Tests pass a collector. */
  readonly writeLine?: (line: string) => void;
  /** Clock in seconds for the ETA (tests); see `createEtaEstimator`. */
  readonly now?: () => number;
  /** A wall-clock budget (`train --minutes`): the ETA is then at most the time left of it. */
  readonly timeBudgetSeconds?: number;
}

/** A progress display: a live bar on a terminal, periodic plain lines in CI logs. */
export interface Progress {
  update(update: ProgressUpdate): void;
  /** Prints a message without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

/**
 * Creates the training progress display (step, loss, steps/s, ETA). On a terminal it is a `cli-progress` bar
 * redrawn in place; when the stream is not a TTY (CI logs, pipes) it degrades to one plain line every
 * `lineIntervalMs` plus the final step, so logs stay readable. The ETA comes from the steps done over the last
 * half of the run (`createEtaEstimator`), not from the reported recent rate, so it settles instead of swinging.
 *
 * @example
 * const progress = createProgress({ total: 2000 });
 * progress.update({ step: 10, loss: 0.52, stepsPerSec: 40 });
 * progress.stop();
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const total = options.total;
  const estimator = createEtaEstimator(options.now != null ? { now: options.now } : {});
  const etaOf = (u: ProgressUpdate): number => {
    estimator.update(u.step - (options.start ?? 0));
    const eta = estimator.eta(total - (options.start ?? 0));
    const budget = options.timeBudgetSeconds;
    if (budget === undefined) return eta;
    const left = Math.max(budget - estimator.elapsed(), 0);
    return Number.isFinite(eta) ? Math.min(eta, left) : left;
  };
  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'train [{bar}] {value}/{total} | loss {loss} | {rate} steps/s | ETA {etaText}',
        stream,
        hideCursor: true,
        barsize: 30,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, options.start ?? 0, { loss: '-', rate: '-', etaText: '-' });
    return {
      update: (u) => bar.update(u.step, payload(u, total, etaOf(u))),
      log: (line) => {
        // cli-progress redraws on the next update; clear the line first so the message is not garbled.
        stream.write(`\r\x1b[K${line}\n`);
      },
      stop: () => bar.stop(),
    };
  }
  const write = options.writeLine ?? ((line: string) => stream.write(`${line}\n`));
  const interval = options.lineIntervalMs ?? 5000;
  let lastPrinted = -Infinity;
  let lastStep = -1;
  let printedStep = -1;
  let last: ProgressUpdate | undefined;
  let lastEta = NaN;
  return {
    update: (u) => {
      const eta = etaOf(u);
      last = u;
      lastEta = eta;
      lastStep = u.step;
      const now = Date.now();
      if (now - lastPrinted >= interval || u.step >= total) {
        lastPrinted = now;
        printedStep = u.step;
        write(formatProgressLine(u, total, eta));
      }
    },
    log: (line) => write(line),
    stop: () => {
      if (last != null && printedStep !== lastStep) write(formatProgressLine(last, total, lastEta));
      printedStep = lastStep;
    },
  };
}

/**
 * The plain progress line printed when not on a terminal. `etaSeconds` defaults to the steps left at the
 * reported rate.
 *
 * @example
 * formatProgressLine({ step: 50, loss: 0.25, stepsPerSec: 10 }, 100);
 * // "step 50/100 (50%) | loss 0.2500 | 10.0 steps/s | ETA 5s"
 */
export function formatProgressLine(u: ProgressUpdate, total: number, etaSeconds?: number): string {
  const p = payload(u, total, etaSeconds);
  const pct = total > 0 ? Math.floor((100 * u.step) / total) : 100;
  return `step ${u.step}/${total} (${pct}%) | loss ${p.loss} | ${p.rate} steps/s | ETA ${p.etaText}`;
}

/**
 * Seconds as a short duration: `42s`, `3m05s`, `1h02m`.
 *
 * @example
 * formatDuration(185); // "3m05s"
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function payload(u: ProgressUpdate, total: number, etaSeconds?: number): { loss: string; rate: string; etaText: string } {
  const eta = u.step >= total ? 0 : etaSeconds !== undefined && Number.isFinite(etaSeconds) ? etaSeconds : u.stepsPerSec > 0 ? (total - u.step) / u.stepsPerSec : NaN;
  return {
    loss: Number.isFinite(u.loss) ? u.loss.toPrecision(4) : String(u.loss),
    rate: u.stepsPerSec.toFixed(1),
    etaText: formatDuration(eta),
  };
}
