import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe } from 'vitest';

/** The backends every numeric test runs on here (tensorflow only where tfjs-node is installed). */
export type TestBackend = 'cpu' | 'wasm' | 'tensorflow';
export const TEST_BACKENDS: readonly TestBackend[] = ['cpu', 'wasm'];

/**
 * Runs the same suite once per backend, as tfjs's `describeWithFlags(..., ALL_ENVS)` does: write a numeric test
 * once, prove it on every backend we support.
 */
export function describeOnBackends(
  name: string,
  fn: (backend: TestBackend) => void,
  backends: readonly TestBackend[] = TEST_BACKENDS,
): void {
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        // The package under test imports @scorekit/core, which registers its wasm kernels on import.
        await tf.setBackend(backend);
        await tf.ready();
        if (tf.getBackend() !== backend) throw new Error(`expected backend ${backend}, got ${tf.getBackend()}`);
      });
      fn(backend);
    });
  }
}
