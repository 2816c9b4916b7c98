import { describe, expect, it, vi } from 'vitest';
import { createProgress, formatDuration, formatProgressLine } from '../src/progress.js';

describe('progress', () => {
  it('formats a plain line with step, loss, rate and ETA', () => {
    expect(formatProgressLine({ step: 50, loss: 0.25, stepsPerSec: 10 }, 100)).toBe('step 50/100 (50%) | loss 0.2500 | 10.0 steps/s | ETA 5s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
  });

  it('without a TTY prints one line per interval and the last step, not one per step', () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      const p = createProgress({ total: 100, tty: false, lineIntervalMs: 1000, writeLine: (l) => lines.push(l) });
      for (let step = 1; step <= 100; step++) {
        vi.advanceTimersByTime(45); // 100 steps over 4.5 s
        p.update({ step, loss: 1 / step, stepsPerSec: 22.2 });
      }
      p.stop();
      // step k lands at t = 45k ms; the first step prints, then the first step ≥ 1000 ms after the last printed
      // one: 1 (45), 24 (1080), 47 (2115), 70 (3150), 93 (4185), and the final step 100
      expect(lines.map((l) => Number(/^step (\d+)/.exec(l)![1]))).toEqual([1, 24, 47, 70, 93, 100]);
      expect(lines.at(-1)).toBe('step 100/100 (100%) | loss 0.01000 | 22.2 steps/s | ETA 0s');
    } finally {
      vi.useRealTimers();
    }
  });
});
