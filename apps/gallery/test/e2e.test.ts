// End to end: `scorekit gallery` over a copy of the fixture runs, driven in Debian's Chromium by playwright-core.
// Screenshots of every page go to test-results/ (kept by CI as artefacts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOTES_FILE } from '../src/index.js';
import { copyFixtureRuns } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const TRAINER_CLI = fileURLToPath(new URL('../../trainer/src/cli.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

// In CI the browser must be there (.ci/run installs it); elsewhere the suite says why it is skipped.
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium)`);
if (!haveChromium) console.warn(`e2e: skipped, ${CHROMIUM} is not installed (apt-get install -y chromium)`);

/** Starts `scorekit gallery --runs <root> --port 0` from source and resolves to the URL it prints. */
function startCli(root: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['--conditions=source', TRAINER_CLI, 'gallery', '--runs', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /scorekit gallery: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => reject(new Error(`scorekit gallery exited with ${code}: ${err}`)));
  });
}

describe.skipIf(!haveChromium)('gallery in a real browser', () => {
  let fixture: Awaited<ReturnType<typeof copyFixtureRuns>>;
  let server: { child: ChildProcess; url: string };
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await fs.mkdir(RESULTS, { recursive: true });
    fixture = await copyFixtureRuns();
    await fs.mkdir(nodePath.join(fixture.root, 'not-a-run')); // listed with its reason, not breaking the page
    server = await startCli(fixture.root);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await fixture?.cleanup();
  });

  const shot = (name: string) => page.screenshot({ path: nodePath.join(RESULTS, `${name}.png`), fullPage: true });

  it('prints a loopback URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('lists the fixture runs', async () => {
    await page.goto(server.url);
    const row = page.locator('#runs tr[data-run="mixture-400"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(1, 8)).toEqual(['mixture-400', 'ncsn-mixture', 'mlp 64×2', 'vp', 'continuous-dsm', '400 / 400', 'completed']);
    expect(await page.locator('#runs tbody tr').count()).toBe(2);
    expect(await page.locator('#malformed li').allTextContents()).toEqual(['not-a-run: no config.json (not a scorekit run folder)']);
    await shot('runs');
  });

  it('shows a run with its sample grids and curves', async () => {
    await page.goto(`${server.url}#/run/mixture-400`);
    await page.locator('#curves svg path.series').first().waitFor();
    // The loss curve has one vertex per metrics line (16 lines of 25 steps).
    const d = await page.locator('#curves svg path.series').first().getAttribute('d');
    expect(d?.split(/[ML]/).filter(Boolean).length).toBe(16);
    const grids = page.locator('#samples img.sample-grid');
    expect(await grids.count()).toBe(2);
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('#samples img.sample-grid')).every((i) => i.complete && i.naturalWidth === 512));
    // Sampler outputs without a PNG are drawn from their arrays.
    await page.waitForFunction(() => document.querySelectorAll('#samples canvas').length === 3);
    // The trajectory slider moves from noise to the samples.
    const label = page.locator('#trajectory .muted');
    await expect.poll(() => label.textContent()).toBe('state 1 of 21, t = 1');
    await page.locator('#trajectory-slider').fill('20');
    await expect.poll(() => label.textContent()).toMatch(/^state 21 of 21, t = 0\b/);
    expect(await page.locator('#nfe-quality svg circle').count()).toBe(9);
    await shot('run');
  });

  it('compares runs side by side', async () => {
    await page.goto(`${server.url}#/compare?runs=mixture-100,mixture-400`);
    await page.waitForFunction(() => document.querySelectorAll('#compare canvas').length === 6);
    expect(await page.locator('#compare > svg path.series').count()).toBe(2); // one loss curve per run
    expect(await page.locator('#compare #nfe-quality svg path.series').count()).toBe(3); // one line per sampler
    await shot('compare');
  });

  it('records a blind vote and updates the win-rate table', async () => {
    await page.goto(`${server.url}#/evaluate`);
    await page.locator('#results').getByText('No votes yet.').waitFor();
    await page.selectOption('#source-a', 'mixture-100/step-000000100.npy');
    await page.selectOption('#source-b', 'mixture-400/step-000000400.npy');
    const vote = async (choice: 'left' | 'right' | 'tie') => {
      await page.click('#next-pair');
      await page.locator('#vote-form').waitFor();
      for (const aspect of ['fidelity', 'aesthetics', 'defects', 'overall']) await page.check(`#vote-form input[name="${aspect}"][value="${choice}"]`);
      await shot('evaluate-pair');
      await page.click('#submit-vote');
    };
    await vote('left');
    await page.locator('#win-rates').waitFor();
    const counts = async () => {
      const cells = await page.locator('#win-rates tbody tr').filter({ hasText: 'overall' }).locator('td').allTextContents();
      return cells.slice(3, 6).map(Number);
    };
    const first = await counts();
    expect(first[0] + first[1]).toBe(1);
    expect(first[2]).toBe(0);
    await vote('tie');
    await expect.poll(counts).toEqual([first[0], first[1], 1]);
    const lines = (await fs.readFile(nodePath.join(fixture.root, VOTES_FILE), 'utf8')).trim().split('\n');
    expect(lines.length).toBe(2);
    expect(JSON.parse(lines[1]).choices.overall).toBe('tie');
    await shot('evaluate');
  });

  it('samples 10 steps in the browser and draws a non-blank image', async () => {
    await page.goto(`${server.url}#/sample/mixture-400`);
    await page.locator('#sample-button').waitFor();
    expect(await page.inputValue('#steps')).toBe('10');
    await page.click('#sample-button');
    const status = page.locator('#sample-status');
    await expect.poll(() => status.textContent(), { timeout: 120_000 }).toMatch(/^(Done|Error)/);
    expect(await status.textContent()).toMatch(/^Done on (webgpu|webgl|wasm|cpu):/);
    // Pixels: the scatter canvas is white with grey axes; samples are blue. Count clearly blue pixels on each side
    // of the diagonal: the fixture's mixture puts 80% of the mass at (5, 5) and 20% at (−5, −5).
    const counts = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#sample-output canvas');
      if (!c) return null;
      const { data, width, height } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let upperRight = 0;
      let lowerLeft = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = 4 * (y * width + x);
          const blue = data[i + 2] - data[i] > 40;
          if (blue && x > width / 2 && y < height / 2) upperRight++;
          if (blue && x < width / 2 && y > height / 2) lowerLeft++;
        }
      }
      return { upperRight, lowerLeft };
    });
    expect(counts).not.toBeNull();
    expect(counts!.upperRight).toBeGreaterThan(500);
    expect(counts!.lowerLeft).toBeGreaterThan(100);
    expect(counts!.upperRight).toBeGreaterThan(counts!.lowerLeft);
    // The interpolation strip through the probability-flow ODE: 9 panels, λ from 0 to 1.
    expect(await page.locator('#interpolation canvas').count()).toBe(9);
    expect(await page.locator('#interpolation figcaption').last().textContent()).toMatch(/^λ = 1\.000\(/);
    const ms = await status.getAttribute('data-ms');
    const backend = await status.getAttribute('data-backend');
    console.log(`e2e: time to first sample ${ms} ms on ${backend} (10 steps, 500 samples, including backend start and checkpoint load)`);
    await shot('sample');
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
