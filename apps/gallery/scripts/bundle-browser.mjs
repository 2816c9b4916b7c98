// Bundles the gallery's in-browser sampling (browser/index.ts: @scorekit/core, sde, models, samplers and
// TensorFlow.js) for the browser with esbuild — platform browser, ESM, minified, code splitting so the WebGPU
// backend loads only where navigator.gpu exists — into dist/browser/, which the server serves under
// /assets/browser/. Workspace packages resolve to their TypeScript source (the `source` condition), so no library
// build is needed first. Run by `pnpm build` and by the end-to-end test; `node scripts/bundle-browser.mjs`.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const BROWSER_OUT = fileURLToPath(new URL('../dist/browser/', import.meta.url));

/** Writes the bundle; returns esbuild's metafile (sizes per output). */
export async function bundleBrowser({ outdir = BROWSER_OUT } = {}) {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { scorekit: fileURLToPath(new URL('../browser/index.ts', import.meta.url)) },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    minify: true,
    target: 'es2022',
    conditions: ['source'],
    outdir,
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const meta = await bundleBrowser();
  for (const [file, { bytes }] of Object.entries(meta.outputs)) console.log(`${file}: ${(bytes / 1024).toFixed(1)} KiB`);
}
