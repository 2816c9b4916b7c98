// Kernels registered from JS that make tfjs's wasm backend complete and fast for training.
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './kernels/BatchMatMul.js';
import { conv2DConfig } from './kernels/Conv2D.js';
import { fusedMatMulConfig } from './kernels/FusedMatMul.js';
import { fusedConv2DConfig } from './kernels/FusedConv2D.js';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput.js';
import { castConfig } from './kernels/Cast.js';
import { concatConfig } from './kernels/Concat.js';
import { identityConfig } from './kernels/Identity.js';
import { resizeNearestNeighborGradConfig } from './kernels/ResizeNearestNeighborGrad.js';
import { splitVConfig } from './kernels/SplitV.js';
import { siluConfig, siluDerivativeConfig } from './kernels/Silu.js';
import { adamConfig } from './kernels/Adam.js';
import { groupNormConfig, groupNormGradConfig } from './kernels/GroupNorm.js';
import { residualConv2DConfig } from './kernels/ResidualConv2D.js';
import { sumPool2xConfig, upsample2xConfig } from './kernels/Upsample2x.js';
import { sumConfig } from './kernels/Sum.js';
import { addConfig, multiplyConfig, subConfig } from './kernels/Arithmetic.js';
import { unsortedSegmentSumConfig } from './kernels/UnsortedSegmentSum.js';
import { rememberOriginal } from './internal/originalKernels.js';
import { resizeNearestNeighborGradGradConfig } from './gradients/resizeNearestNeighborGradGrad.js';

let registered = false;

/** The kernels scorekit adds to or replaces in tfjs's wasm backend. */
export const WASM_KERNEL_CONFIGS: readonly tf.KernelConfig[] = [
  batchMatMulConfig,
  fusedMatMulConfig,
  conv2DConfig,
  fusedConv2DConfig,
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
  identityConfig,
  castConfig,
  concatConfig,
  splitVConfig,
  sumConfig,
  addConfig,
  subConfig,
  multiplyConfig,
  resizeNearestNeighborGradConfig,
  unsortedSegmentSumConfig,
  siluConfig,
  siluDerivativeConfig,
  adamConfig,
  groupNormConfig,
  groupNormGradConfig,
  residualConv2DConfig,
  upsample2xConfig,
  sumPool2xConfig,
];

/**
 * Registers scorekit's wasm kernels once; safe to call repeatedly. `@scorekit/core` calls it when imported, so a
 * program only needs it if it imported tfjs's wasm backend some other way first.
 *
 * @example
 * import { registerWasmKernels } from '@scorekit/core';
 * registerWasmKernels();
 * await tf.setBackend('wasm');
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of WASM_KERNEL_CONFIGS) {
    const original = tf.getKernel(config.kernelName, 'wasm');
    if (original !== undefined) {
      rememberOriginal(config.kernelName);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    // The backend runs each kernel's setupFunc when it initialises; keep the original's, which our fallbacks need.
    tf.registerKernel(original?.setupFunc !== undefined ? { ...config, setupFunc: original.setupFunc } : config);
  }
  if (tf.getGradient(tf.ResizeNearestNeighborGrad) === undefined) tf.registerGradient(resizeNearestNeighborGradGradConfig);
}
