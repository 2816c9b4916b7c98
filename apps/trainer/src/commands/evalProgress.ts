import { createTaskProgress } from '../taskProgress.js';

/** A progress reporter for feature extraction: `(done, total)` after every batch, `stop()` at the end. */
export interface EvalProgress {
  readonly onProgress: (done: number, total: number | undefined) => void;
  stop(): void;
}

/**
 * Progress of one feature extraction on stderr, with images/s and the same steady ETA as training and sampling
 * (`createTaskProgress`): a live bar on a terminal, otherwise a plain line at most every `intervalMs` plus the
 * last one, so CI logs stay short. `write` replaces stderr (tests).
 */
export function createEvalProgress(
  label: string,
  options: { tty?: boolean; intervalMs?: number; write?: (line: string) => void } = {},
): EvalProgress {
  const progress = createTaskProgress(label, {
    unit: 'images',
    ...(options.tty !== undefined ? { tty: options.tty } : {}),
    ...(options.intervalMs !== undefined ? { lineIntervalMs: options.intervalMs } : {}),
    ...(options.write !== undefined ? { writeLine: options.write } : {}),
  });
  return {
    onProgress: (done, total) => progress.update(done, total ?? done),
    stop: () => progress.stop(),
  };
}
