import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend, type BackendChoice, type BackendName } from '@scorekit/core';

/** Where the gallery serves tfjs-backend-wasm's `.wasm` binaries (a bundle has no script URL to find them from). */
export const WASM_PATH = '/vendor/';

/**
 * Starts TensorFlow.js on `wanted`, or on `'auto'` the first of WebGPU, WebGL, wasm and cpu that starts —
 * `@scorekit/core`'s own order (`selectBackend`), which also says why it passed the others over.
 */
export async function startBackend(wanted: BackendName | 'auto'): Promise<BackendChoice> {
  setWasmPaths(WASM_PATH);
  return selectBackend({ backend: wanted, report: false });
}
