import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import nodePath from 'node:path';
import type { Page } from 'playwright-core';

/** The origin the test page is served from, answered by Playwright's router: no server, no port. */
export const ORIGIN = 'http://scorekit.test';

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** Serves an HTML page that loads `script`, and tfjs-backend-wasm's binaries under /wasm/; anything else is 404. */
export async function servePage(page: Page, script: string): Promise<void> {
  const wasmDir = nodePath.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const files = new Map<string, { body: string | Buffer; contentType: string }>([
    ['/', { body: '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>', contentType: 'text/html' }],
    ['/page.js', { body: script, contentType: 'text/javascript' }],
    ...WASM_FILES.map((f) => [`/wasm/${f}`, { body: readFileSync(nodePath.join(wasmDir, f)), contentType: 'application/wasm' }] as const),
  ]);
  await page.route(`${ORIGIN}/**`, (route) => {
    const file = files.get(new URL(route.request().url()).pathname);
    return file === undefined ? route.fulfill({ status: 404, body: 'not found' }) : route.fulfill({ status: 200, ...file });
  });
}
