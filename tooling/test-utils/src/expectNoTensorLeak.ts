import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs `fn` twice and asserts that the second run leaves the live-tensor count where it found it. The first run
 * is a warm-up: lazily created constants and optimizer slots may legitimately appear once.
 */
export async function expectNoTensorLeak(fn: () => unknown | Promise<unknown>): Promise<void> {
  await fn();
  const before = tf.memory().numTensors;
  await fn();
  const after = tf.memory().numTensors;
  expect(after, `live tensors grew from ${before} to ${after}`).toBe(before);
}
