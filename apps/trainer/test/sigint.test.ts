import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMetrics, tempDir, tinyConfig } from './helpers.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const cliJs = nodePath.join(appDir, 'dist', 'cli.js');

describe('Ctrl-C during training (the built CLI, spawned)', () => {
  beforeAll(() => {
    // Build this app's dist (turbo's test task builds the packages it depends on first).
    const tsc = nodePath.join(appDir, 'node_modules', '.bin', 'tsc');
    const r = spawnSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: appDir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building the CLI failed:\n${r.stdout}${r.stderr}`);
    expect(existsSync(cliJs)).toBe(true);
  });

  it('finishes the step, saves a checkpoint, writes the summary, exits 130, and resume continues', async () => {
    const dir = await tempDir();
    const run = nodePath.join(dir, 'run');
    const config = nodePath.join(dir, 'c.json');
    await fs.writeFile(config, JSON.stringify(tinyConfig({ steps: 100000, logEvery: 1 })));
    const child = spawn(process.execPath, [cliJs, 'train', '--config', config, '--out', run, '--backend', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // wait until some steps are logged, then Ctrl-C
    const metrics = nodePath.join(run, 'metrics.jsonl');
    for (let i = 0; i < 600; i++) {
      const text = await fs.readFile(metrics, 'utf8').catch(() => '');
      if (text.split('\n').length > 5) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('Ctrl-C: finishing this step and saving a checkpoint');
    const summary = JSON.parse(await fs.readFile(nodePath.join(run, 'summary.json'), 'utf8')) as { status: string; step: number; lastCheckpoint: string };
    expect(summary.status).toBe('interrupted');
    expect(summary.step).toBeGreaterThanOrEqual(5);
    const latest = (await fs.readFile(nodePath.join(run, 'checkpoints', 'latest'), 'utf8')).trim();
    expect(latest).toBe(`step-${String(summary.step).padStart(9, '0')}`);
    const lines = await readMetrics(run);
    expect(lines.at(-1)!.step).toBe(summary.step);

    const resumed = spawnSync(process.execPath, [cliJs, 'train', '--resume', '--out', run, '--steps', String(summary.step + 3), '--backend', 'cpu'], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resumed from step ${summary.step}`);
    const after = await readMetrics(run);
    expect(after.map((m) => m.step)).toEqual(Array.from({ length: summary.step + 3 }, (_, i) => i + 1));
  });
});
