import { describe, expect, it } from 'vitest';
import { createEtaEstimator } from '../src/etaEstimator.js';
import { createTaskProgress } from '../src/taskProgress.js';

/** A clock the test moves by hand, in seconds. */
function fakeClock(): { now: () => number; advance: (s: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (s) => (t += s) };
}

describe('createEtaEstimator', () => {
  it('at a constant rate gives exactly the time left', () => {
    const clock = fakeClock();
    const eta = createEtaEstimator({ now: clock.now });
    for (let step = 1; step <= 100; step++) {
      clock.advance(0.1); // 10 steps/s
      eta.update(step);
    }
    expect(eta.rate()).toBeCloseTo(10, 9);
    expect(eta.eta(2000)).toBeCloseTo(190, 9); // 1900 steps left at 10/s
  });

  it('a stall of 5 s in a 200 s run moves the ETA by about 5 %, where a 10-step window would jump 50-fold', () => {
    const clock = fakeClock();
    const eta = createEtaEstimator({ now: clock.now });
    let step = 0;
    const run = (seconds: number, dt: number) => {
      for (let k = 0; k < seconds / dt; k++) {
        clock.advance(dt);
        eta.update(++step);
      }
    };
    run(200, 0.1); // 2000 steps at 10/s
    const before = eta.eta(10000);
    clock.advance(5); // one step takes 5 s (another job took the cores)
    eta.update(++step);
    const after = eta.eta(10000);
    // The window is the last half of the run (≈ 102 s): it lost ~5 s of progress, so the rate drops by ~5/102
    // and the ETA rises by as much. The last 10 steps alone took 5.9 s instead of 1 s: a 5.9-fold jump.
    expect(after / before).toBeGreaterThan(1.03);
    expect(after / before).toBeLessThan(1.07);
    const naive = (10000 - step) / (10 / 5.9);
    expect(naive / before).toBeGreaterThan(5);
  });

  it('follows a lasting change of speed within half the elapsed time', () => {
    const clock = fakeClock();
    const eta = createEtaEstimator({ now: clock.now });
    let step = 0;
    for (let k = 0; k < 1000; k++) {
      clock.advance(0.1); // 100 s at 10 steps/s
      eta.update(++step);
    }
    for (let k = 0; k < 500; k++) {
      clock.advance(0.4); // then 200 s at 2.5 steps/s
      eta.update(++step);
    }
    // Elapsed 300 s, window 150 s: all of it at the new speed.
    expect(eta.rate()).toBeCloseTo(2.5, 6);
  });

  it('measures from the first report, so set-up time before it does not count', () => {
    const clock = fakeClock();
    const eta = createEtaEstimator({ now: clock.now });
    clock.advance(60); // loading data
    eta.update(1);
    for (let step = 2; step <= 21; step++) {
      clock.advance(0.5);
      eta.update(step);
    }
    expect(eta.rate()).toBeCloseTo(2, 9);
  });
});

describe('createTaskProgress', () => {
  it('prints steps, the detail (NFE), the rate, elapsed time and ETA; one line per interval plus the last', () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const progress = createTaskProgress('sample (euler-maruyama)', { tty: false, lineIntervalMs: 0, writeLine: (l) => lines.push(l), now: clock.now });
    for (let step = 1; step <= 4; step++) {
      clock.advance(2);
      progress.update(step, 4, `NFE ${step}`);
    }
    progress.stop();
    expect(lines[2]).toBe('sample (euler-maruyama): 3/4 steps (75%) | NFE 3 | 0.50 steps/s | 6s | ETA 2s');
    expect(lines.at(-1)).toBe('sample (euler-maruyama): 4/4 steps (100%) | NFE 4 | 0.50 steps/s | 8s | ETA 0s');
  });
});

describe('createProgress with a time budget (train --minutes)', () => {
  it('shows the time left of the budget when the steps would take longer', async () => {
    const { createProgress } = await import('../src/progress.js');
    const clock = fakeClock();
    const lines: string[] = [];
    const p = createProgress({ total: 100000, tty: false, lineIntervalMs: 0, writeLine: (l) => lines.push(l), now: clock.now, timeBudgetSeconds: 900 });
    for (let step = 1; step <= 61; step++) {
      clock.advance(1); // 1 step/s: 100000 steps would take 27 h, the budget ends after 900 s
      p.update({ step, loss: 1, stepsPerSec: 1 });
    }
    // 61 s elapsed since the estimator started: 839 s of the budget left.
    expect(lines.at(-1)).toMatch(/ETA 13m59s$/);
  });
});
