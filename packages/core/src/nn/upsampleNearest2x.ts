import * as tf from '@tensorflow/tfjs-core';
import { SUM_POOL_2X, UPSAMPLE_2X } from '../wasm/kernels/Upsample2x.js';
import { nativeKernels } from '../native/nativeKernels.js';

/**
 * Nearest-neighbour ×2 upsampling by broadcasting, from tfjs ops: the definition the kernels are tested against and
 * the path elsewhere (its gradient, a sum over the broadcast axes, exists on every backend).
 */
export function upsampleNearest2xReference(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const expanded = tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.ones([1, 1, 2, 1, 2, 1]));
    return tf.reshape(expanded, [n, 2 * h, 2 * w, c]);
  });
}

let gradientsRegistered = false;

/** Each kernel's gradient is the other (they are each other's adjoint), so every order of gradient is right. */
function registerGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  const pairs: [string, string, string][] = [
    [UPSAMPLE_2X, SUM_POOL_2X, 'x'],
    [SUM_POOL_2X, UPSAMPLE_2X, 'dy'],
  ];
  for (const [kernel, adjoint, input] of pairs) {
    if (tf.getGradient(kernel) !== undefined) continue;
    tf.registerGradient({
      kernelName: kernel,
      gradFunc: (dys) => {
        const dy = Array.isArray(dys) ? dys[0] : dys;
        return { [input]: () => tf.engine().runKernel(adjoint, adjoint === SUM_POOL_2X ? { dy } : { x: dy }) as tf.Tensor };
      },
    });
  }
}

/**
 * Nearest-neighbour ×2 upsampling of NHWC images: x [n, h, w, c] → [n, 2h, 2w, c], each pixel repeated in a 2 × 2
 * block (score_sde's Upsample without FIR). On wasm with `@scorekit/native` it is one copy on the thread pool and
 * its gradient one 2 × 2 block sum (instead of a broadcast multiply by ones and a transposing sum, on one thread),
 * with the same bits; elsewhere the broadcast. Gradients of every order are right on every backend.
 *
 * @example
 * const up = upsampleNearest2x(h); // [n, 7, 7, 64] → [n, 14, 14, 64]
 */
export function upsampleNearest2x(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 4) throw new Error(`upsampleNearest2x: x must be NHWC [n, h, w, c], got shape [${x.shape}]`);
  const native = nativeKernels();
  const fused =
    x.dtype === 'float32' && tf.getBackend() === 'wasm' && tf.getKernel(UPSAMPLE_2X, 'wasm') !== undefined && native?.upsample2x !== undefined;
  if (!fused) return upsampleNearest2xReference(x);
  registerGradients();
  return tf.engine().runKernel(UPSAMPLE_2X, { x }) as tf.Tensor;
}
