import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { saveNpy } from '@scorekit/core/node';
import { cli } from './cliHarness.js';
import { tempDir } from './helpers.js';

describe('--threads', () => {
  it('sample, likelihood and interpolate take --threads and refuse anything but 1 or 2, writing nothing', async () => {
    const dir = await tempDir();
    const mixture = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [1], means: [[0, 0]], stds: [1] }));
    const data = nodePath.join(dir, 'x.npy');
    await saveNpy(data, tf.zeros([4, 2]));
    const out = nodePath.join(dir, 'out.npy');
    const score = ['--score', `analytic:${mixture}`, '--backend', 'cpu', '--threads', '3'];
    const runs = {
      sample: await cli('sample', ...score, '--out', out),
      likelihood: await cli('likelihood', ...score, '--data', data, '--out', out),
      interpolate: await cli('interpolate', ...score, '--seeds', '1,2', '--out', out),
    };
    for (const [command, r] of Object.entries(runs)) {
      expect(r.code, command).toBe(2);
      // sample and likelihood list it with their other flag problems ("  - --threads: must …"), interpolate alone.
      expect(r.stderr, command).toMatch(/--threads:? must be 1/);
      expect(r.stderr, command).toContain("must be 1 (main thread only) or 2 (main thread + one worker for the wasm kernels), got '3'");
    }
    await expect(fs.access(out)).rejects.toThrow();
  });
});
