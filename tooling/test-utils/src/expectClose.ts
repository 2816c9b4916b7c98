import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Asserts |actual − expected| ≤ atol + rtol·|expected|, with a message that shows both numbers. */
export function expectClose(actual: number, expected: number, atol: number, rtol = 0, label = 'value'): void {
  const tol = atol + rtol * Math.abs(expected);
  const ok = Number.isFinite(actual) && Math.abs(actual - expected) <= tol;
  expect(ok, `${label}: got ${actual}, expected ${expected} ± ${tol}`).toBe(true);
}

/** Element-wise {@link expectClose} over tensors or arrays of equal size (shapes must match for tensors). */
export function expectAllClose(
  actual: tf.Tensor | ArrayLike<number>,
  expected: tf.Tensor | ArrayLike<number>,
  atol: number,
  rtol = 0,
): void {
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) expect(actual.shape).toEqual(expected.shape);
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const e = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  expect(a.length).toBe(e.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  expect(worst < 0, worst < 0 ? '' : `element ${worst}: got ${a[worst]}, expected ${e[worst]} (atol ${atol}, rtol ${rtol})`).toBe(true);
}
