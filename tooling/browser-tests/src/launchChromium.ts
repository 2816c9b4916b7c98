import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { ORIGIN } from './servePage.js';

/** Debian's Chromium (`apt-get install chromium`), which `.ci/run` installs. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium with nothing reaching the network: no sandbox (containers run as root), no GPU (CI has
 * none: WebGL then runs on SwiftShader, which Chromium allows only with --enable-unsafe-swiftshader), no
 * background requests or component updates. WebGPU: without a GPU, Chromium offers its SwiftShader fallback
 * adapter only with --enable-unsafe-webgpu, and WebGPU exists only in a secure context, which the test origin
 * (plain http, served by page.route) is declared to be.
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
      '--enable-unsafe-webgpu',
      `--unsafely-treat-insecure-origin-as-secure=${ORIGIN}`,
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
