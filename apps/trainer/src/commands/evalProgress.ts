import cliProgress from 'cli-progress';

/** A progress reporter for feature extraction: `(done, total)` after every batch, `stop()` at the end. */
export interface EvalProgress {
  readonly onProgress: (done: number, total: number | undefined) => void;
  stop(): void;
}

/**
 * Progress of one feature extraction on stderr: a live `cli-progress` bar on a terminal, otherwise a plain line
 * at most every `intervalMs` plus the last one, so CI logs stay short. `write` replaces stderr (tests).
 */
export function createEvalProgress(
  label: string,
  options: { tty?: boolean; intervalMs?: number; write?: (line: string) => void } = {},
): EvalProgress {
  const stream = process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  if (tty && options.write === undefined) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      onProgress: (done, total) => {
        if (bar === undefined) {
          bar = new cliProgress.SingleBar(
            { format: `${label} [{bar}] {value}/{total} images | ETA {eta_formatted}`, stream, hideCursor: true, barsize: 30 },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total ?? done, 0);
        }
        if (total === undefined) bar.setTotal(done);
        bar.update(done);
      },
      stop: () => bar?.stop(),
    };
  }
  const write = options.write ?? ((line: string) => stream.write(`${line}\n`));
  const interval = options.intervalMs ?? 5000;
  let last = -Infinity;
  let pending: string | undefined;
  return {
    onProgress: (done, total) => {
      const line = `${label}: ${done}${total !== undefined ? `/${total}` : ''} images`;
      const now = Date.now();
      if (now - last >= interval || done === total) {
        last = now;
        pending = undefined;
        write(line);
      } else {
        pending = line;
      }
    },
    stop: () => {
      if (pending !== undefined) write(pending);
    },
  };
}
