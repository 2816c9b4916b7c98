import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNpy } from '@scorekit/core/node';
import { decodePng } from '../src/png.js';
import { cli } from './cliHarness.js';
import { tempDir, tinyConfig } from './helpers.js';
import { trainModel } from '../src/trainModel.js';

const MIXTURE = { weights: [0.5, 0.5], means: [[-3, 0], [3, 0]], stds: [0.5, 0.5] };

describe('scorekit sample / likelihood: outputs and progress', () => {
  let dir: string;
  let mixtureFile: string;
  beforeAll(async () => {
    dir = await tempDir();
    mixtureFile = nodePath.join(dir, 'mixture.json');
    await fs.writeFile(mixtureFile, JSON.stringify(MIXTURE));
  });

  it('writes the .npy and the PNG of one draw together, and reports steps and NFE on stderr', async () => {
    const npy = nodePath.join(dir, 'both.npy');
    const png = nodePath.join(dir, 'both.png');
    const r = await cli('sample', '--score', `analytic:${mixtureFile}`, '--sampler', 'dpm-solver++', '--steps', '12', '--n', '300', '--out', npy, png, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ out: [npy, png], n: 300, nfe: 12 });
    const { data, shape } = await loadNpy(npy);
    expect(shape).toEqual([300, 2]);
    // The PNG shows the same points: count the dark-blue dot centres' half-planes against the .npy's signs.
    const values = data as Float32Array;
    let left = 0;
    for (let k = 0; k < 300; k++) if (values[2 * k]! < 0) left++;
    const img = decodePng(await fs.readFile(png));
    expect([img.width, img.height]).toEqual([512, 512]);
    let blueLeft = 0;
    let blueRight = 0;
    const mid = 34 + Math.round((512 - 34 - 1) / 2); // x = 0 is near the middle of the plot area (view ≈ symmetric)
    for (let y = 0; y < 498; y++) {
      for (let x = 35; x < 512; x++) {
        const i = (y * 512 + x) * 4;
        if (img.data[i + 2]! - img.data[i]! <= 60) continue;
        if (x < mid) blueLeft++;
        else blueRight++;
      }
    }
    // Both modes are drawn, with ink in proportion to the counts of the .npy (within the 3×3 dot overlap noise).
    expect(blueLeft).toBeGreaterThan(0);
    expect(blueRight).toBeGreaterThan(0);
    expect(Math.abs(blueLeft / (blueLeft + blueRight) - left / 300)).toBeLessThan(0.1);
    // The plain progress line (stderr is not a TTY here) ends at 12/12 steps with NFE 12 counted from score calls.
    expect(r.stderr).toMatch(/sample \(dpm-solver\+\+\): 12\/12 steps \(100%\) \| NFE 12 \| .* \| ETA 0s/);
  });

  it('rejects two files of one kind, or other extensions, before sampling', async () => {
    const r = await cli('sample', '--score', `analytic:${mixtureFile}`, '--out', nodePath.join(dir, 'a.npy'), nodePath.join(dir, 'b.npy'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out: must name a \.npy file, a \.png file or one of each/);
    const t = await cli('sample', '--score', `analytic:${mixtureFile}`, '--out', nodePath.join(dir, 'a.txt'));
    expect(t.stderr).toMatch(/--out: must name a \.npy file, a \.png file or one of each .*a\.txt/);
  });

  it("samples a checkpoint with its run's own sampler when --sampler is not given; flags override its options", async () => {
    const run = nodePath.join(dir, 'run');
    await trainModel(tinyConfig({ steps: 2, sampler: { name: 'euler-maruyama', steps: 7 } }), { runDir: run });
    const own = await cli('sample', '--checkpoint', run, '--n', '8', '--out', nodePath.join(dir, 'own.npy'), '--backend', 'cpu');
    expect(own.code, own.stderr).toBe(0);
    expect(JSON.parse(own.stdout)).toMatchObject({ sampler: 'euler-maruyama', nfe: 7 });
    const fewer = await cli('sample', '--checkpoint', run, '--steps', '3', '--n', '8', '--out', nodePath.join(dir, 'fewer.npy'), '--backend', 'cpu');
    expect(JSON.parse(fewer.stdout)).toMatchObject({ sampler: 'euler-maruyama', nfe: 3 });
    const named = await cli('sample', '--checkpoint', run, '--sampler', 'ddim', '--steps', '5', '--n', '8', '--out', nodePath.join(dir, 'ddim.npy'), '--backend', 'cpu');
    expect(JSON.parse(named.stdout)).toMatchObject({ sampler: 'ddim', nfe: 5 });
  });

  it('likelihood prints RK45 progress in thousandths of the time span with the NFE so far', async () => {
    const data = nodePath.join(dir, 'points.npy');
    await cli('sample', '--score', `analytic:${mixtureFile}`, '--steps', '10', '--n', '4', '--out', data, '--backend', 'cpu');
    const r = await cli('likelihood', '--score', `analytic:${mixtureFile}`, '--data', data, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const nfe = (JSON.parse(r.stdout) as { nfe: number }).nfe;
    // The last line: the whole span done, and the NFE counted from score calls equals the solver's own count.
    const last = r.stderr.trim().split('\n').filter((l) => l.startsWith('likelihood (rk45)')).at(-1);
    expect(last).toMatch(new RegExp(`^likelihood \\(rk45\\): 1000/1000 ‰ of \\[ε, T\\] \\(100%\\) \\| NFE ${nfe} \\|`));
  });
});
