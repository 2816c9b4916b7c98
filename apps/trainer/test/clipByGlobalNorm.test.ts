import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeOnBackends, expectAllClose, expectClose } from '@scorekit/test-utils';
import '@scorekit/core'; // registers the wasm backend
import { clipByGlobalNorm } from '../src/clipByGlobalNorm.js';

describeOnBackends('clipByGlobalNorm', () => {
  // g = {a: [3, 4], b: [12]}: global norm √(9 + 16 + 144) = 13.
  const grads = () => ({ a: tf.tensor1d([3, 4]), b: tf.tensor1d([12]) });

  it('scales every gradient by clip/(N + 1e-6) when the global norm N exceeds clip (torch clip_grad_norm_)', () => {
    tf.tidy(() => {
      const { grads: clipped, norm } = clipByGlobalNorm(grads(), 1);
      expectClose(norm, 13, 1e-6); // float32 sum of squares of small integers is exact; sqrt to 1 ulp
      const s = 1 / (13 + 1e-6);
      expectAllClose(clipped.a!.dataSync(), [3 * s, 4 * s], 1e-6);
      expectAllClose(clipped.b!.dataSync(), [12 * s], 1e-6);
    });
  });

  it('leaves gradients alone below the threshold or without clipping', () => {
    tf.tidy(() => {
      for (const clip of [20, null]) {
        const g = grads();
        const { grads: out, norm } = clipByGlobalNorm(g, clip);
        expect(out).toBe(g);
        expectClose(norm, 13, 1e-6);
      }
    });
  });
});
