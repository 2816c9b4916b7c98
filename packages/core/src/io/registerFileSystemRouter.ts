import * as tf from '@tensorflow/tfjs-core';
import { fileSystem } from './fileSystem.js';

type IORouter = Parameters<typeof tf.io.registerSaveRouter>[0];

const SCHEME = 'file://';
let registered = false;

/**
 * Makes `file://` URLs work in tfjs under Node without tfjs-node: `model.save('file://dir')`,
 * `tf.loadLayersModel('file://dir/model.json')` and `tf.loadGraphModel('file://dir/model.json')` go through
 * {@link fileSystem}. Called when `@scorekit/core` is imported; safe to call again. When tfjs-node is loaded into
 * the same tfjs it handles `file://` itself (same layout), and this router steps aside so there is one handler.
 *
 * @example
 * import '@scorekit/core';                     // registers the router
 * await model.save('file://runs/a/model');      // writes runs/a/model/model.json and weights.bin
 */
export function registerFileSystemRouter(): void {
  if (registered || typeof process === 'undefined' || process.versions?.node == null) return;
  registered = true;
  const router = (url: string | string[]): tf.io.IOHandler | null => {
    if (typeof url !== 'string' || !url.startsWith(SCHEME)) return null;
    // tfjs-node registers the 'tensorflow' backend and its own file:// router together (tfjs-node src/index.ts).
    if (tf.engine().backendNames().includes('tensorflow')) return null;
    return fileSystem(url.slice(SCHEME.length));
  };
  tf.io.registerSaveRouter(router as IORouter);
  tf.io.registerLoadRouter(router as IORouter);
}

registerFileSystemRouter();
