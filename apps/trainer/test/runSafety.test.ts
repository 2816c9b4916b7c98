import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainModel } from '../src/trainModel.js';
import { readMetrics, tempDir, tinyConfig } from './helpers.js';

// Everything a run folder holds, file by file, to show that a refused command changed nothing.
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await fs.readdir(dir, { recursive: true })).map(String).sort()) {
    const p = nodePath.join(dir, f);
    if ((await fs.stat(p)).isFile()) out[f] = (await fs.readFile(p)).toString('base64');
  }
  return out;
}

// A pid that certainly runs no process any more: a child that has already exited.
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('one writer per run folder, and resumes that verify their checkpoint', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('refuses a run folder locked by a live process, naming its pid, and changes nothing', async () => {
    const dir = await tempDir();
    await trainModel(tinyConfig({ steps: 2 }), { runDir: dir });
    // This test's own process is alive: a lock holding its pid is a live writer (as a second trainer would be).
    await fs.writeFile(nodePath.join(dir, '.lock'), `${process.pid}\n`);
    const before = await snapshot(dir);
    await expect(trainModel(tinyConfig({ steps: 4 }), { runDir: dir, resume: true })).rejects.toThrow(
      new RegExp(`in use by another scorekit process \\(pid ${process.pid}`),
    );
    expect(await snapshot(dir)).toEqual(before);
  });

  it('takes over the stale lock of a crashed run and releases its own lock at the end', async () => {
    const dir = await tempDir();
    await trainModel(tinyConfig({ steps: 2 }), { runDir: dir });
    await fs.writeFile(nodePath.join(dir, '.lock'), `${deadPid()}\n`);
    const summary = await trainModel(tinyConfig({ steps: 4 }), { runDir: dir, resume: true });
    expect(summary).toMatchObject({ status: 'completed', startStep: 2, step: 4 });
    expect(existsSync(nodePath.join(dir, '.lock'))).toBe(false);
  });

  it('refuses to resume from a checkpoint of another network, before touching config, log or checkpoints', async () => {
    const run = await tempDir();
    await trainModel(tinyConfig({ steps: 3, checkpointEvery: 1 }), { runDir: run });
    const other = await tempDir();
    const wide = tinyConfig({ steps: 5, network: { name: 'mlp', dim: 2, width: 32, depth: 2, embeddingDim: 8 } });
    await trainModel(wide, { runDir: other });
    // The other run's checkpoint, copied in as this run's latest.
    await fs.cp(nodePath.join(other, 'checkpoints', 'step-000000005'), nodePath.join(run, 'checkpoints', 'step-000000005'), { recursive: true });
    await fs.writeFile(nodePath.join(run, 'checkpoints', 'latest'), 'step-000000005\n');
    const before = await snapshot(run);
    await expect(trainModel(tinyConfig({ steps: 9 }), { runDir: run, resume: true })).rejects.toThrow(
      /does not belong to this run.*network\.width: 32 in the checkpoint, 16 in config\.json/,
    );
    expect(await snapshot(run)).toEqual(before);
  });

  it('refuses a checkpoint whose folder name disagrees with its step', async () => {
    const run = await tempDir();
    await trainModel(tinyConfig({ steps: 2 }), { runDir: run });
    await fs.rename(nodePath.join(run, 'checkpoints', 'step-000000002'), nodePath.join(run, 'checkpoints', 'step-000000007'));
    await fs.writeFile(nodePath.join(run, 'checkpoints', 'latest'), 'step-000000007\n');
    const before = await snapshot(run);
    await expect(trainModel(tinyConfig({ steps: 9 }), { runDir: run, resume: true })).rejects.toThrow(
      /checkpoint folder step-000000007 holds step 2/,
    );
    expect(await snapshot(run)).toEqual(before);
  });

  it('refuses to train into the folder of a run killed before its first checkpoint, instead of appending to its log', async () => {
    const run = await tempDir();
    await fs.writeFile(nodePath.join(run, 'config.json'), JSON.stringify(tinyConfig()));
    await fs.writeFile(nodePath.join(run, 'metrics.jsonl'), '{"step":1,"loss":1}\n');
    const before = await snapshot(run);
    await expect(trainModel(tinyConfig({ steps: 2 }), { runDir: run })).rejects.toThrow(
      /holds files of an earlier run \(config\.json, metrics\.jsonl\) but no checkpoint.*Delete the folder or choose another --out/,
    );
    expect(await snapshot(run)).toEqual(before);
  });

  it('removes the half-written checkpoint folders (.tmp-*) a killed run left', async () => {
    const run = await tempDir();
    await trainModel(tinyConfig({ steps: 2 }), { runDir: run });
    const stale = nodePath.join(run, 'checkpoints', '.tmp-step-000000003-12345-abc');
    await fs.mkdir(stale);
    await fs.writeFile(nodePath.join(stale, 'weights.safetensors'), 'partial');
    await trainModel(tinyConfig({ steps: 3 }), { runDir: run, resume: true });
    expect((await fs.readdir(nodePath.join(run, 'checkpoints'))).filter((e) => e.startsWith('.tmp-'))).toEqual([]);
  });

  it('checks the data against the network before the run folder exists', async () => {
    const run = nodePath.join(await tempDir(), 'run');
    const config = tinyConfig({ network: { name: 'mlp', dim: 3, width: 16, depth: 2, embeddingDim: 8 } });
    await expect(trainModel(config, { runDir: run })).rejects.toThrow(/points of shape \[2\] but the network takes \[3\]; set network\.dim/);
    expect(existsSync(run)).toBe(false);
  });

  it('advises gradient clipping on divergence only when it is off', async () => {
    // lr 1e30: Adam's first step moves every weight by ±1e30, so the second loss is not finite.
    const clipped = tinyConfig({ steps: 4, lr: 1e30, warmup: 0, gradClip: 1 });
    await expect(trainModel(clipped, { runDir: await tempDir() })).rejects.toThrow(/diverged.*lower gradClip \(now 1\)/);
    const unclipped = tinyConfig({ steps: 4, lr: 1e30, warmup: 0, gradClip: null });
    await expect(trainModel(unclipped, { runDir: await tempDir() })).rejects.toThrow(/diverged.*or set gradClip/);
  });

  it('logs the mean of the whole interval across an interruption and resume', async () => {
    // Per-step losses of an uninterrupted run are the reference (resumed steps reproduce them exactly).
    const perStep = await tempDir();
    await trainModel(tinyConfig({ steps: 8, logEvery: 1 }), { runDir: perStep });
    const losses = (await readMetrics(perStep)).map((m) => m.loss);
    const cut = await tempDir();
    const controller = new AbortController();
    const config = tinyConfig({ steps: 8, logEvery: 4 });
    await trainModel(config, { runDir: cut, signal: controller.signal, onStep: (s) => s === 6 && controller.abort() });
    await trainModel(config, { runDir: cut, resume: true });
    const lines = await readMetrics(cut);
    expect(lines.map((m) => m.step)).toEqual([4, 8]);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    // Steps 5–8, of which 5 and 6 ran before the interruption; summing four float32 losses in another order moves
    // the mean by at most a few ulp.
    expect(lines[1]!.loss).toBeCloseTo(mean(losses.slice(4, 8)), 6);
    expect(lines[0]!.loss).toBeCloseTo(mean(losses.slice(0, 4)), 6);
  });
});
