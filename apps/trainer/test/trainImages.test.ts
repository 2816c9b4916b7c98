import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { expect, it } from 'vitest';
import { loadNpy } from '@scorekit/core/node';
import { describeOnBackends } from '@scorekit/test-utils';
import { decodePng } from '../src/png.js';
import { trainModel } from '../src/trainModel.js';
import { readMetrics, tempDir, tinyConfig } from './helpers.js';
import { cli } from './cliHarness.js';

describeOnBackends(
  'trainModel on MNIST with a U-Net',
  () => {
    it('trains a class-conditional U-Net on digits and writes an image grid of the right size', async () => {
      const dir = await tempDir();
      const config = tinyConfig({
        dataset: { name: 'mnist', count: 40 },
        network: { name: 'unet', imageSize: 28, channels: 1, nf: 4, chMult: [1, 2], numResBlocks: 1, attnResolutions: [], numClasses: 10 },
        conditional: true,
        steps: 2,
        batchSize: 4,
        sampleCount: 4,
        sampler: { name: 'ddim', steps: 2 },
      });
      const summary = await trainModel(config, { runDir: dir });
      expect(summary.status).toBe('completed');
      // ε-prediction continuous DSM sums over the 784 pixels: an untrained network's loss is of that order
      const [first] = await readMetrics(dir);
      expect(first!.loss).toBeGreaterThan(100);
      expect(first!.loss).toBeLessThan(5000);
      const samples = await loadNpy(nodePath.join(dir, 'samples/step-000000002.npy'));
      expect(samples.shape).toEqual([4, 28, 28, 1]);
      // 4 images in 2 columns, each 28 px drawn at scale 2, with 2-px gaps: 2·56 + 3·2 = 118
      const png = decodePng(await fs.readFile(nodePath.join(dir, 'samples/step-000000002.png')));
      expect([png.width, png.height]).toEqual([118, 118]);

      // sampling the conditional checkpoint for one class, and a class it does not have
      const out = nodePath.join(dir, 'three.npy');
      const ok = await cli('sample', '--checkpoint', dir, '--label', '3', '--sampler', 'ddim', '--steps', '2', '--n', '2', '--out', out, '--backend', 'cpu');
      expect(ok.code, ok.stderr).toBe(0);
      expect((await loadNpy(out)).shape).toEqual([2, 28, 28, 1]);
      const bad = await cli('sample', '--checkpoint', dir, '--label', '10', '--n', '2', '--out', out, '--backend', 'cpu');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--label must be 'cycle' or a class 0…9 (the checkpoint has 10 classes), got '10'");

      // likelihood of 8-bit digits: dequantised, so bits/dim = −log p / (784 ln 2) + 7 (score_sde's offset for
      // data in [−1, 1]); without dequantisation the density is continuous and the offset is 0.
      const lp = nodePath.join(dir, 'logp.npy');
      const common = ['--checkpoint', dir, '--dataset', 'mnist', '--count', '2', '--rtol', '1e-2', '--atol', '1e-2', '--estimator', 'hutchinson', '--backend', 'wasm'];
      const lik = await cli('likelihood', ...common, '--out', lp);
      expect(lik.code, lik.stderr).toBe(0);
      const report = JSON.parse(lik.stdout.trim().split('\n').pop()!) as { meanBitsPerDim: number; bitsPerDimOffset: number; n: number };
      expect(report.bitsPerDimOffset).toBe(7);
      expect(report.n).toBe(2);
      const logp = (await loadNpy(lp)).data as Float32Array;
      const bpd = (await loadNpy(nodePath.join(dir, 'logp.bpd.npy'))).data as Float32Array;
      for (let i = 0; i < 2; i++) expect(bpd[i]).toBeCloseTo(-logp[i] / (784 * Math.LN2) + 7, 4);
      expect(report.meanBitsPerDim).toBeCloseTo((bpd[0] + bpd[1]) / 2, 4);
      const raw = await cli('likelihood', ...common, '--no-dequantize');
      expect(raw.code, raw.stderr).toBe(0);
      expect((JSON.parse(raw.stdout.trim().split('\n').pop()!) as { bitsPerDimOffset: number }).bitsPerDimOffset).toBe(0);
    });
  },
  ['cpu'],
);
