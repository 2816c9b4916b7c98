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
 * The gallery's own files, by URL path: everything in `public/` under `/assets/`; the in-browser sampling bundle
 * (`dist/browser/`, scorekit's libraries and TensorFlow.js bundled by `scripts/bundle-browser.mjs` at build time)
 * under `/assets/browser/`; and tfjs-backend-wasm's `.wasm` binaries under `/vendor/`, taken from the installed npm
 * package — so the gallery works offline with no CDN. The table is fixed at start-up: a request can only ever
 * name one of these files, never a path.
 */
export async function loadAssetTable(): Promise<Map<string, string>> {
  const table = new Map<string, string>();
  const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
  for (const name of await fs.readdir(publicDir)) table.set(`/assets/${name}`, nodePath.join(publicDir, name));
  table.set('/', nodePath.join(publicDir, 'index.html'));
  const bundleDir = fileURLToPath(new URL(BROWSER_BUNDLE_DIR, import.meta.url));
  const bundled = await fs.readdir(bundleDir).catch(() => [] as string[]);
  for (const name of bundled) if (name.endsWith('.js')) table.set(`/assets/browser/${name}`, nodePath.join(bundleDir, name));
  const require = createRequire(import.meta.url);
  const wasmDist = nodePath.join(nodePath.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) table.set(`/vendor/${f}`, nodePath.join(wasmDist, f));
  return table;
}

/** Where the in-browser sampling bundle is, relative to this module (src/ and dist/ are siblings of dist/browser). */
const BROWSER_BUNDLE_DIR = '../dist/browser/';
