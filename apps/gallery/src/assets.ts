import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

/** Content types of everything the gallery serves. Anything else goes out as application/octet-stream. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.npy': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};

/**
 * The gallery's own files, by URL path: everything in `public/` under `/assets/`, and the browser builds of
 * TensorFlow.js (union package, WebGPU and wasm backends with their .wasm binaries) under `/vendor/` — taken from
 * the installed npm packages, so the gallery works offline with no CDN. The ES2017 builds: the ES5 ones carry a
 * polyfill that calls `Function('return this')`, which the gallery's Content-Security-Policy (no eval) refuses. The table is fixed at start-up: a request
 * can only ever name one of these files, never a path.
 */
export async function loadAssetTable(): Promise<Map<string, string>> {
  const table = new Map<string, string>();
  const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
  for (const name of await fs.readdir(publicDir)) table.set(`/assets/${name}`, nodePath.join(publicDir, name));
  table.set('/', nodePath.join(publicDir, 'index.html'));
  const require = createRequire(import.meta.url);
  const vendor: [string, string[]][] = [
    ['@tensorflow/tfjs', ['tf.es2017.min.js']],
    ['@tensorflow/tfjs-backend-webgpu', ['tf-backend-webgpu.es2017.min.js']],
    [
      '@tensorflow/tfjs-backend-wasm',
      ['tf-backend-wasm.es2017.min.js', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'],
    ],
  ];
  for (const [pkg, files] of vendor) {
    const dist = nodePath.join(nodePath.dirname(require.resolve(`${pkg}/package.json`)), 'dist');
    for (const f of files) table.set(`/vendor/${f}`, nodePath.join(dist, f));
  }
  return table;
}
