import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * Bundles the test page's script for the browser as an application would: esbuild, platform browser, ESM, resolving
 * workspace packages to their TypeScript source (the `source` export condition) so no build step is needed.
 */
export async function bundleBrowserEntry(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browserEntry.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
