import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { loadNpy } from '@scorekit/core/node';
import { describeOnBackends, expectAllClose } from '@scorekit/test-utils';
import { decodePng } from '../src/png.js';
import { cli } from './cliHarness.js';
import { readMetrics, tempDir, tinyConfig } from './helpers.js';

describeOnBackends('scorekit train → sample → likelihood', (backend) => {
  let dir: string;
  let run: string;
  beforeAll(async () => {
    dir = await tempDir();
    run = nodePath.join(dir, 'run');
    const { steps: _s, ...config } = tinyConfig({ emaDecay: 0.5 });
    await fs.writeFile(nodePath.join(dir, 'tiny.json'), JSON.stringify(config));
  });

  it('trains from a config file plus flags and reports progress as plain lines off a TTY', async () => {
    const r = await cli('train', '--config', nodePath.join(dir, 'tiny.json'), '--steps', '6', '--lr', '0.005', '--out', run, '--backend', backend);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`scorekit backend: ${backend}`);
    expect(r.stderr).toMatch(/step 6\/6 \(100%\) \| loss \d\.\d+ \| [\d.]+ steps\/s \| ETA 0s/);
    expect(r.stderr).toMatch(/completed at step 6\/6/);
    const metrics = await readMetrics(run);
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    // flags override the file: lr 0.005 with warm-up 4 → lr·min(step/4, 1)
    expect(metrics.map((m) => m.lr)).toEqual([1, 2, 3, 4, 5, 6].map((s) => 0.005 * Math.min(s / 4, 1)));
    const saved = JSON.parse(await fs.readFile(nodePath.join(run, 'config.json'), 'utf8')) as { steps: number; lr: number };
    expect([saved.steps, saved.lr]).toEqual([6, 0.005]);
  });

  it('samples from the checkpoint into .npy and .png; EMA and raw weights give different samples', async () => {
    const npy = nodePath.join(dir, 's.npy');
    const raw = nodePath.join(dir, 'raw.npy');
    const png = nodePath.join(dir, 's.png');
    const common = ['--checkpoint', run, '--sampler', 'ddim', '--steps', '5', '--n', '20', '--seed', '4', '--backend', backend];
    expect((await cli('sample', ...common, '--out', npy)).code).toBe(0);
    expect((await cli('sample', ...common, '--no-ema', '--out', raw)).code).toBe(0);
    expect((await cli('sample', ...common, '--out', png)).code).toBe(0);
    const a = await loadNpy(npy);
    const b = await loadNpy(raw);
    expect(a.shape).toEqual([20, 2]);
    // same seed and sampler: only the weights differ (EMA with decay 0.5 lags the raw weights)
    const diff = Array.from(a.data as Float32Array).reduce((m, v, i) => Math.max(m, Math.abs(v - Number(b.data[i]))), 0);
    expect(diff).toBeGreaterThan(1e-4);
    const image = decodePng(await fs.readFile(png));
    expect([image.width, image.height]).toEqual([512, 512]);
  });

  it('computes the likelihood under the checkpoint, with bits/dim = −log p/(2 ln 2)', async () => {
    const out = nodePath.join(dir, 'logp.npy');
    const r = await cli('likelihood', '--checkpoint', run, '--data', nodePath.join(dir, 's.npy'), '--out', out, '--rtol', '1e-3', '--atol', '1e-3', '--backend', backend);
    expect(r.code, r.stderr).toBe(0);
    const logp = (await loadNpy(out)).data as Float32Array;
    const bpd = (await loadNpy(nodePath.join(dir, 'logp.bpd.npy'))).data as Float32Array;
    expect(logp).toHaveLength(20);
    expectAllClose(bpd, Array.from(logp, (v) => -v / (2 * Math.LN2)), 1e-5); // float32 division
  });

  it('resumes the run through the CLI to a larger --steps', async () => {
    const r = await cli('train', '--resume', '--out', run, '--steps', '8', '--backend', backend);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('resumed from step 6');
    expect((await readMetrics(run)).map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
