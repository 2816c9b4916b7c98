// End to end: `scorekit gallery` over a copy of the fixture runs, driven in Debian's Chromium by playwright-core.
// Screenshots of every page go to test-results/ (kept by CI as artefacts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@scorekit/core';
import { VOTES_FILE } from '../src/index.js';
import { copyFixtureRuns } from './helpers.js';
import { sampleInNode } from './nodeReference.js';

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
    // Playwright's 30 s default is too short on a busy machine (CI runs every package's tests at once).
    page.setDefaultTimeout(120_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
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
    expect(await page.locator('#runs tbody tr').count()).toBe(4);
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
    // Its noisy classifier (the run-folder convention mixture-400/classifier/), as the trainer recorded it.
    expect(await page.locator('#run-classifier').textContent()).toMatch(/^classifier\/: mlp, 2 classes, samples \[2\], vp SDE; held-out accuracy [\d.]+ near t = 0, [\d.]+ at T\/2 — sample with classifier guidance$/);
    // The density plot: the latest samples' histogram (blue) under the exact density's contours (red), on axes.
    await page.locator('#density canvas').waitFor();
    expect(await page.locator('#density figcaption').textContent()).toMatch(/^256 samples as a histogram; contours: the exact density’s regions holding 50%, 90% and 99% of the mass$/);
    const colours = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#density canvas')!;
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let red = 0;
      let blue = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i]! > 180 && data[i + 1]! < 90 && data[i + 2]! < 90) red++;
        if (data[i + 2]! - data[i]! > 40) blue++;
      }
      return { red, blue };
    });
    // Three contours around each of two modes, 1–2 px wide, are well over 300 pixels; 256 samples fill bins.
    expect(colours.red).toBeGreaterThan(300);
    expect(colours.blue).toBeGreaterThan(300);
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

  type SampleForm = {
    backend?: string;
    sampler?: string;
    steps?: number;
    count?: number;
    seed?: number;
    label?: string;
    options?: Record<string, string>;
    /** The guidance controls: kind, the scale as typed, and the classifier's class on an unconditional run. */
    guidance?: { kind: string; scale: string; label?: string };
  };

  /** Opens a run's sampling page afresh and fills the form. */
  async function fillSampleForm(run: string, form: SampleForm) {
    // A fresh page each time: going to the same hash again would not re-render the form.
    await page.goto(`${server.url}#/sample/${run}`);
    await page.reload();
    await page.locator('#sample-button').waitFor();
    expect(await page.inputValue('#steps')).toBe('10');
    if (form.backend) await page.selectOption('#backend', form.backend);
    if (form.sampler) await page.selectOption('#sampler', form.sampler);
    if (form.steps != null) await page.fill('#steps', String(form.steps));
    if (form.count != null) await page.fill('#count', String(form.count));
    if (form.seed != null) await page.fill('#seed', String(form.seed));
    if (form.label != null) await page.selectOption('#class', form.label);
    // The sampler's own options, from the form samplerOptionSpec built: a select for a choice, an input otherwise.
    for (const [name, value] of Object.entries(form.options ?? {})) {
      const field = page.locator(`#opt-${name}`);
      if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
    if (form.guidance) {
      await page.selectOption('#guidance-kind', form.guidance.kind);
      await page.fill('#guidance-scale', form.guidance.scale);
      if (form.guidance.label != null) await page.selectOption('#guidance-class', form.guidance.label);
    }
  }

  /** Fills the sampling form, clicks Sample and waits for the page to finish; returns what it drew. */
  async function sampleInPage(run: string, form: SampleForm) {
    await fillSampleForm(run, form);
    await page.click('#sample-button');
    const status = page.locator('#sample-status');
    await expect.poll(() => status.textContent(), { timeout: 240_000 }).toMatch(/^(Done|Error)/);
    expect(await status.textContent()).toMatch(/^Done on (webgpu|webgl|wasm|cpu):/);
    type Draw = { guidance: { kind: string; scale: number; label: number | 'cycle' } | null; backend: string; skipped: { name: string; reason: string }[]; values: number[]; shape: number[]; nfe: number; ms: number; leaked: number };
    const draw = await page.evaluate(() => (window as unknown as { scorekitLastDraw: Draw }).scorekitLastDraw);
    // Progress: the bar ends full, after one update per step (the last with the result).
    expect(Number(await page.locator('#progress').evaluate((p: HTMLProgressElement) => p.value))).toBe(1);
    expect(Number(await page.locator('#progress').getAttribute('data-updates'))).toBeGreaterThanOrEqual(form.steps ?? 10);
    expect(draw.leaked).toBe(0);
    console.log(`e2e: ${run}, ${form.sampler ?? 'default sampler'}${form.guidance ? `, ${form.guidance.kind} guidance w = ${form.guidance.scale}` : ''}: time to first sample ${draw.ms.toFixed(0)} ms on ${draw.backend}${draw.skipped.length ? ` (skipped ${draw.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : ''} (${form.steps ?? 10} steps, ${draw.shape[0]} samples, including backend start and checkpoint load)`);
    return draw;
  }

  // Largest |browser − Node| on cpu. Both run tfjs's cpu kernels, the same JavaScript on the same float32 inputs
  // in the same order; only V8's Math.exp/sin/cos may differ between Chromium's and Node's V8 builds, by an ulp
  // (relative 1.1e-16 in float64, rounded to float32 and so usually invisible). Through 10 steps of a network with
  // weights of order 1 an ulp of float32 (6e-8 relative on values of order 1–10) grows at most a few hundred-fold:
  // 1e-5. A wrong seed, sampler, step count, class or weight set changes the samples by 0.05–1 (checked in
  // browserModules.test.ts), so this bound still catches them.
  const CPU_TOLERANCE = 1e-5;
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
    return m;
  };

  it('samples a 2D run for 10 steps in the browser and draws a non-blank scatter, field and interpolation', async () => {
    await sampleInPage('mixture-400', { sampler: 'euler-maruyama', count: 500 });
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
    await shot('sample');
  });

  it('a 2D run sampled in the browser on cpu gives the numbers Node gives, for every sampler family', async () => {
    await selectBackend({ backend: 'cpu', report: false });
    for (const [sampler, steps] of [['dpm-solver++', 10], ['pc', 25]] as const) {
      const draw = await sampleInPage('mixture-400', { backend: 'cpu', sampler, steps, count: 200, seed: 3 });
      expect(draw.backend).toBe('cpu');
      const options = { steps, ...(sampler === 'pc' ? { predictor: 'reverse-diffusion', corrector: 'langevin', snr: 0.16, correctorSteps: 1 } : { spacing: 'logSNR', lowerOrderFinal: true }) };
      const node = await sampleInNode(nodePath.join(fixture.root, 'mixture-400'), { sampler, options, n: 200, seed: 3 });
      const diff = maxDiff(draw.values, node.values);
      console.log(`e2e: ${sampler} ${steps} steps, largest |browser − Node| on cpu ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(CPU_TOLERANCE);
    }
    // Options typed into the form reach the sampler: DDIM with η = 0.5 on log-SNR spacing is Node's same run, and
    // not the default (η = 0, time spacing).
    const draw = await sampleInPage('mixture-400', { backend: 'cpu', sampler: 'ddim', steps: 10, count: 200, seed: 3, options: { eta: '0.5', spacing: 'logSNR' } });
    const node = await sampleInNode(nodePath.join(fixture.root, 'mixture-400'), { sampler: 'ddim', options: { steps: 10, eta: 0.5, spacing: 'logSNR' }, n: 200, seed: 3 });
    expect(maxDiff(draw.values, node.values)).toBeLessThanOrEqual(CPU_TOLERANCE);
    const plain = await sampleInNode(nodePath.join(fixture.root, 'mixture-400'), { sampler: 'ddim', options: { steps: 10 }, n: 200, seed: 3 });
    expect(maxDiff(draw.values, plain.values)).toBeGreaterThan(0.1);
  });

  it('samples an image run of a chosen class in the browser: a grid that is not blank, varies, and equals Node on cpu', async () => {
    const draw = await sampleInPage('bars-unet', { backend: 'cpu', sampler: 'euler-maruyama', count: 4, seed: 2, label: '1' });
    expect(draw.shape).toEqual([4, 8, 8, 1]);
    const node = await sampleInNode(nodePath.join(fixture.root, 'bars-unet'), { sampler: 'euler-maruyama', options: { steps: 10 }, n: 4, seed: 2, label: 1 });
    const diff = maxDiff(draw.values, node.values);
    console.log(`e2e: bars-unet class 1, largest |browser − Node| on cpu ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(CPU_TOLERANCE);
    // Pixels of the grid: 4 tiles of 8×8 at zoom 8 on a white canvas. Inside the tiles, grey levels must spread
    // (standard deviation over 20 of 255, more than 10 distinct levels) — not a flat or blank image.
    const stats = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#sample-grid canvas');
      if (!c) return null;
      const { data, width } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      const levels = new Set<number>();
      let sum = 0;
      let sum2 = 0;
      let n = 0;
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          const v = data[4 * (y * width + x)]!;
          levels.add(v);
          sum += v;
          sum2 += v * v;
          n++;
        }
      }
      return { width: c.width, height: c.height, levels: levels.size, std: Math.sqrt(sum2 / n - (sum / n) ** 2) };
    });
    expect(stats).not.toBeNull();
    expect([stats!.width, stats!.height]).toEqual([2 * 64 + 2, 2 * 64 + 2]);
    expect(stats!.std).toBeGreaterThan(20);
    expect(stats!.levels).toBeGreaterThan(10);
    expect(await page.locator('#sample-grid figcaption').textContent()).toMatch(/4 samples, euler-maruyama, 10 steps \(\d+ NFE\), seed 2, class 1, ema weights/);
    await shot('sample-image');
  });

  it('offers guidance controls only to runs that can take them, and says why not elsewhere', async () => {
    const controls = async (run: string) => {
      await page.goto(`${server.url}#/sample/${run}`);
      await page.reload();
      await page.locator('#guidance-notes').waitFor();
      const kinds = (await page.locator('#guidance-kind').count()) > 0 ? await page.locator('#guidance-kind option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)) : null;
      const note = async (kind: string) => ({
        available: await page.locator(`#guidance-note-${kind}`).getAttribute('data-available'),
        text: await page.locator(`#guidance-note-${kind}`).textContent(),
      });
      return { kinds, cfg: await note('classifier-free'), classifier: await note('classifier'), ownClass: await page.locator('#guidance-class option').count() };
    };
    // bars-cfg: class-conditional, trained with label dropout 0.2; no classifier folder.
    const cfg = await controls('bars-cfg');
    expect(cfg.kinds).toEqual(['none', 'classifier-free']);
    expect(cfg.cfg.available).toBe('yes');
    expect(cfg.classifier).toEqual({ available: 'no', text: expect.stringMatching(/^classifier: not offered — no noisy classifier in bars-cfg\/classifier\/ \(train one: scorekit train-classifier --noisy/) });
    expect(cfg.ownClass).toBe(0); // the run's own class selector serves
    await page.selectOption('#guidance-kind', 'classifier-free');
    await shot('sample-guidance-controls');
    // bars-unet: conditional, but no label dropout: no control, and the reason.
    const plain = await controls('bars-unet');
    expect(plain.kinds).toBeNull();
    expect(plain.cfg).toEqual({ available: 'no', text: expect.stringMatching(/^classifier-free: not offered — this run was trained without label dropout \("labelDropout" is 0 or absent in its config\.json\)/) });
    // mixture-400: unconditional with a noisy classifier in mixture-400/classifier/ (2 classes): classifier guidance,
    // with the classifier's class selector.
    const clf = await controls('mixture-400');
    expect(clf.kinds).toEqual(['none', 'classifier']);
    expect(clf.cfg).toEqual({ available: 'no', text: expect.stringMatching(/^classifier-free: not offered — this run is not class-conditional/) });
    expect(clf.classifier).toEqual({ available: 'yes', text: expect.stringMatching(/\(2 classes\)$/) });
    expect(clf.ownClass).toBe(3); // each in turn, class 0, class 1
    // mixture-100: neither.
    const none = await controls('mixture-100');
    expect(none.kinds).toBeNull();
    expect([none.cfg.available, none.classifier.available]).toEqual(['no', 'no']);
  });

  it('samples with classifier-free guidance in the browser: Node’s numbers on cpu, w = 0 is the plain class, the scale matters', async () => {
    const run = nodePath.join(fixture.root, 'bars-cfg');
    const form = { backend: 'cpu', sampler: 'euler-maruyama', count: 4, seed: 2, label: '1' };
    const guided = await sampleInPage('bars-cfg', { ...form, guidance: { kind: 'classifier-free', scale: '3' } });
    expect(guided.guidance).toEqual({ kind: 'classifier-free', scale: 3, label: 1 });
    const node = await sampleInNode(run, { sampler: 'euler-maruyama', options: { steps: 10 }, n: 4, seed: 2, label: 1, guidance: { kind: 'classifier-free', scale: 3 } });
    const diff = maxDiff(guided.values, node.values);
    console.log(`e2e: bars-cfg class 1, classifier-free w = 3, largest |browser − Node| on cpu ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(CPU_TOLERANCE);
    expect(await page.locator('#sample-grid figcaption').textContent()).toMatch(/seed 2, class 1, classifier-free guidance w = 3, ema weights/);
    await shot('sample-guided-cfg');
    const zero = await sampleInPage('bars-cfg', { ...form, guidance: { kind: 'classifier-free', scale: '0' } });
    const unguided = await sampleInPage('bars-cfg', form);
    // In one page the same kernels run the same calls: w = 0 is the plain class exactly (guidance.test.ts too);
    // w = 3 moves pixels by more than 0.05.
    expect(maxDiff(zero.values, unguided.values)).toBe(0);
    expect(maxDiff(guided.values, zero.values)).toBeGreaterThan(0.05);
  });

  it('samples with classifier guidance in the browser: Node’s numbers on cpu, and the samples move to the chosen class', async () => {
    const form = { backend: 'cpu', sampler: 'euler-maruyama', count: 200, seed: 4 };
    const guided = await sampleInPage('mixture-400', { ...form, guidance: { kind: 'classifier', scale: '4', label: '1' } });
    const node = await sampleInNode(nodePath.join(fixture.root, 'mixture-400'), {
      sampler: 'euler-maruyama',
      options: { steps: 10 },
      n: 200,
      seed: 4,
      label: 1,
      guidance: { kind: 'classifier', scale: 4, dir: nodePath.join(fixture.root, 'mixture-400', 'classifier') },
    });
    const diff = maxDiff(guided.values, node.values);
    console.log(`e2e: mixture-400 class 1, classifier guidance w = 4, largest |browser − Node| on cpu ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(CPU_TOLERANCE);
    await shot('sample-guided-classifier');
    // Class 1 is the mixture's 0.2 component at (−5, −5): unguided about 20% of samples fall below the x + y = 0
    // diagonal (binomial sd 2.8% for 200), guided at w = 4 most of them (guidance.test.ts measures the same draw).
    const lowerLeft = (v: ArrayLike<number>) => {
      let k = 0;
      for (let i = 0; i < v.length; i += 2) if (v[i]! + v[i + 1]! < 0) k++;
      return k / (v.length / 2);
    };
    const zero = await sampleInPage('mixture-400', { ...form, guidance: { kind: 'classifier', scale: '0', label: '1' } });
    const unguided = await sampleInPage('mixture-400', form);
    expect(maxDiff(zero.values, unguided.values)).toBe(0);
    expect(lowerLeft(unguided.values)).toBeLessThan(0.35);
    expect(lowerLeft(guided.values)).toBeGreaterThan(0.7);
  });

  it('says what is wrong with a guidance scale or class in the page, before loading anything', async () => {
    const attempt = async (run: string, form: SampleForm, injectClass?: { select: string; value: string }) => {
      await fillSampleForm(run, form);
      if (injectClass) {
        // The selectors offer only valid classes; a tampered or stale page can still send another one.
        await page.locator(injectClass.select).evaluate((s, v) => {
          s.append(new Option(`class ${v}`, v));
          (s as HTMLSelectElement).value = v;
        }, injectClass.value);
      }
      await page.click('#sample-button');
      const status = page.locator('#sample-status');
      await expect.poll(() => status.textContent()).toMatch(/^(Done|Error)/);
      return status.textContent();
    };
    expect(await attempt('bars-cfg', { label: '1', guidance: { kind: 'classifier-free', scale: '-1' } })).toBe(
      'Error: the guidance scale must be a finite number ≥ 0 ((1 + w)·s(x, t, y) − w·s(x, t, ∅); 0 is the plain conditional model), got -1',
    );
    await shot('sample-guidance-error');
    expect(await attempt('bars-cfg', { guidance: { kind: 'classifier-free', scale: '' } })).toMatch(/^Error: the guidance scale must be a finite number ≥ 0 .*got nothing \/ not a number$/);
    expect(await attempt('bars-cfg', { guidance: { kind: 'classifier-free', scale: '2' } }, { select: '#class', value: '7' })).toBe(
      "Error: the class must be 'cycle' or 0…1 (the run has 2 classes), got 7",
    );
    expect(await attempt('mixture-400', { guidance: { kind: 'classifier', scale: '-0.5', label: '0' } }, { select: '#guidance-class', value: '5' })).toBe(
      "Error: the guidance scale must be a finite number ≥ 0 (s + w·∇ log p(y | x_t, t); 0 is the unguided model), got -0.5; the class must be 'cycle' or 0…1 (the classifier has 2 classes), got 5",
    );
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
