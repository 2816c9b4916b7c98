import { readFileSync } from 'node:fs';

/**
 * The CLI's version: package.json's `version`, read beside the running file (src/ in the repository, dist/ in the
 * npm package: both one level below package.json), so `scorekit --version` always names what is installed.
 *
 * @example
 * cliVersion(); // '0.1.0'
 */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('the scorekit CLI package.json has no version');
  return manifest.version;
}
