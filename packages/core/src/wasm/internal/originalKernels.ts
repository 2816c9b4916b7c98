import * as tf from '@tensorflow/tfjs-core';

const originals = new Map<string, tf.KernelFunc>();

/** Keeps tfjs-backend-wasm's own kernel before ours replaces it, for the cases ours hands back. */
export function rememberOriginal(kernelName: string): void {
  const k = tf.getKernel(kernelName, 'wasm');
  if (k !== undefined && !originals.has(kernelName)) originals.set(kernelName, k.kernelFunc);
}

/** Runs tfjs-backend-wasm's own kernel (set up by the backend when it initialised). */
export function runOriginal(kernelName: string, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const f = originals.get(kernelName);
  if (f === undefined) throw new Error(`scorekit wasm kernels: tfjs-backend-wasm has no ${kernelName} kernel to fall back on`);
  return f(args);
}
