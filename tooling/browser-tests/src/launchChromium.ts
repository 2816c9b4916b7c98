import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), which `.ci/run` installs. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium with nothing reaching the network: no sandbox (containers run as root), no GPU (CI has
 * none: WebGL then runs on SwiftShader, which Chromium allows only with --enable-unsafe-swiftshader), no
 * background requests or component updates.
 */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install it with \`apt-get install -y chromium\``);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
