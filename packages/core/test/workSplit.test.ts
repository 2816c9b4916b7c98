import { describe, expect, it } from 'vitest';
import { WorkSplit } from '../src/parallel/WorkSplit.js';

describe('WorkSplit: the worker share follows measured rates', () => {
  it('starts even and converges to rate_w / (rate_w + rate_main), within its bounds', () => {
    const split = new WorkSplit();
    expect(split.workerUnits(100)).toBe(50);
    // The worker does 40 units in 2 s (20/s), this thread 60 in 2 s (30/s): balanced at 20 / 50 = 0.4.
    for (let i = 0; i < 60; i++) split.record(40, 2, 60, 2);
    expect(split.workerShare).toBeCloseTo(0.4, 6);
    expect(split.workerUnits(100)).toBe(40);
    // A worker 100× slower is held at the lower bound, 100× faster at the upper one.
    for (let i = 0; i < 60; i++) split.record(50, 100, 50, 1);
    expect(split.workerShare).toBe(0.25);
    for (let i = 0; i < 60; i++) split.record(50, 1, 50, 100);
    expect(split.workerShare).toBe(0.75);
  });

  it('moves by a fraction of the error per measurement (one noisy job cannot swing it)', () => {
    const split = new WorkSplit(0.25, 0.75, 0.2);
    split.record(50, 1, 50, 3); // target 0.75
    expect(split.workerShare).toBeCloseTo(0.5 + 0.2 * 0.25, 12);
  });

  it('ignores measurements too short to time and leaves at least one unit to each thread', () => {
    const split = new WorkSplit();
    split.record(10, 1e-5, 10, 1);
    split.record(0, 1, 10, 1);
    expect(split.workerShare).toBe(0.5);
    expect(split.workerUnits(1)).toBe(0);
    expect(split.workerUnits(2)).toBe(1);
    for (let i = 0; i < 60; i++) split.record(50, 1, 50, 100);
    expect(split.workerUnits(3)).toBe(2);
  });
});
