import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from './cliHarness.js';
import { readMetrics, tempDir, tinyConfig } from './helpers.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

// The CLI from source through tsx (no build needed), as a real child process that receives real signals.
function startTraining(config: string, run: string): { child: ChildProcess; stderr: () => string } {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', nodePath.join(appDir, 'src', 'cli.ts'), 'train', '--config', config, '--out', run, '--backend', 'cpu'],
    { cwd: appDir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, stderr: () => stderr };
}

async function waitForSteps(run: string, steps: number): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const text = await fs.readFile(nodePath.join(run, 'metrics.jsonl'), 'utf8').catch(() => '');
    if (text.split('\n').length > steps) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${steps} steps logged in ${run}`);
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

describe('signals that end a process (a real child process)', () => {
  it('SIGTERM and SIGHUP save a checkpoint and the summary as Ctrl-C does; a second writer is refused meanwhile', async () => {
    const dir = await tempDir();
    const config = nodePath.join(dir, 'c.json');
    await fs.writeFile(config, JSON.stringify(tinyConfig({ steps: 1_000_000, logEvery: 1 })));
    const runs = { SIGTERM: nodePath.join(dir, 'term'), SIGHUP: nodePath.join(dir, 'hup') } as const;
    const children = Object.fromEntries(Object.entries(runs).map(([s, run]) => [s, startTraining(config, run)]));
    await Promise.all(Object.values(runs).map((run) => waitForSteps(run, 3)));

    // While the first trainer runs, a --resume of its folder is refused, naming the live writer.
    const second = await cli('train', '--resume', '--out', runs.SIGTERM, '--backend', 'cpu');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`in use by another scorekit process (pid ${children.SIGTERM!.child.pid}`);

    for (const [signal, expected] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const { child, stderr } = children[signal]!;
      child.kill(signal);
      expect(await exitOf(child), stderr()).toBe(expected);
      expect(stderr()).toContain(`${signal}: finishing this step and saving a checkpoint`);
      const run = runs[signal];
      const summary = JSON.parse(await fs.readFile(nodePath.join(run, 'summary.json'), 'utf8')) as { status: string; step: number };
      expect(summary.status).toBe('interrupted');
      expect(summary.step).toBeGreaterThanOrEqual(3);
      const latest = (await fs.readFile(nodePath.join(run, 'checkpoints', 'latest'), 'utf8')).trim();
      expect(latest).toBe(`step-${String(summary.step).padStart(9, '0')}`);
      expect((await readMetrics(run)).at(-1)!.step).toBe(summary.step);
      // The lock goes with the writer.
      await expect(fs.access(nodePath.join(run, '.lock'))).rejects.toThrow();
    }
  });
});
