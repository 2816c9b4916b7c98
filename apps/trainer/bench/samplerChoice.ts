// Which sampler should `scorekit sample` use on the presets' image checkpoints (issue 13 item 3)? Draws the same
// n digits (seed 0, the run's EMA weights, the CLI's path: the checkpoint's score + SDE) with each candidate — every
// sampler that forms x̂₀ with and without x̂₀ clipping, at a few step counts — writes them as .npy, then judges all
// of them with `bench/digitQuality.ts` (scorekit's clean classifier: confident-digit fraction, rarest digit, FID
// against the held-out digits beside real-vs-real) and prints one table.
// Usage: tsx --conditions=source bench/samplerChoice.ts --checkpoint <run> --classifier <dir> [--n 500]
//          [--out runs/sampler-choice] [--only name,name]
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '@scorekit/core';
import { saveNpy } from '@scorekit/core/node';
import { createSampler } from '@scorekit/samplers';
import { openScoreSource } from '../src/scoreSource.js';

interface Candidate {
  readonly label: string;
  readonly sampler: string;
  readonly options: Record<string, unknown>;
  readonly clip: boolean;
}

const args = process.argv.slice(2);
const flag = (name: string, fallback?: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const checkpoint = flag('checkpoint');
const classifier = flag('classifier');
if (checkpoint == null || classifier == null) throw new Error('usage: samplerChoice.ts --checkpoint <run> --classifier <dir> [--n 500] [--out dir] [--only a,b]');
const n = Number(flag('n', '500'));
const outDir = flag('out', 'runs/sampler-choice')!;
const only = flag('only')?.split(',');

// In the order they are drawn (most informative first, so a partial run still answers): the current default and
// the run's sampler, then the deterministic samplers that form x̂₀, each with and without clipping.
const candidate = (sampler: string, steps: number, clip: boolean): Candidate => ({
  label: `${sampler} (${steps} steps), ${clip ? 'clip' : 'no clip'}`,
  sampler,
  options: { steps },
  clip,
});
const CANDIDATES: Candidate[] = [
  candidate('euler-maruyama', 100, true),
  candidate('euler-maruyama', 100, false),
  candidate('dpm-solver++', 20, true),
  candidate('dpm-solver++', 20, false),
  candidate('edm-heun', 18, true),
  candidate('edm-heun', 18, false),
  candidate('ddim', 50, true),
  candidate('ddim', 50, false),
  candidate('pc', 50, true),
  candidate('dpm-solver++', 50, true),
  candidate('pc', 50, false),
];

async function main(): Promise<void> {
  await selectBackend();
  fs.mkdirSync(outDir, { recursive: true });
  const source = await openScoreSource({ checkpoint: checkpoint! });
  const rows: { file: string; c: Candidate; nfe: number; seconds: number }[] = [];
  try {
    for (const [i, c] of CANDIDATES.entries()) {
      const file = nodePath.join(outDir, `${String(i).padStart(2, '0')}-${c.sampler}-${Object.values(c.options).join('-')}-${c.clip ? 'clip' : 'none'}.npy`);
      if (only && !only.includes(String(i))) continue;
      const start = performance.now();
      let nfe = 0;
      let seconds = 0;
      // A drawn candidate keeps its cost beside it, so an interrupted run resumes where it stopped.
      if (fs.existsSync(`${file}.json`)) ({ nfe, seconds } = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as { nfe: number; seconds: number });
      else {
        const { samples, nfe: used } = await createSampler(c.sampler, c.options).run({
          score: source.score,
          sde: source.sde,
          shape: [n, ...source.pointShape],
          seed: 0,
          ...(c.clip ? { x0Threshold: { name: 'clip' as const } } : {}),
        });
        nfe = used;
        await saveNpy(file, (await samples.data()) as Float32Array, [n, ...source.pointShape], 'float32');
        samples.dispose();
        seconds = (performance.now() - start) / 1000;
        fs.writeFileSync(`${file}.json`, JSON.stringify({ nfe, seconds }));
      }
      rows.push({ file, c, nfe, seconds });
      console.error(JSON.stringify({ candidate: c.label, file, nfe, seconds: Number(seconds.toFixed(1)), tensors: tf.memory().numTensors }));
    }
  } finally {
    source.dispose();
  }
  const here = nodePath.dirname(fileURLToPath(import.meta.url));
  const judged = spawnSync(process.execPath, [...process.execArgv, nodePath.join(here, 'digitQuality.ts'), '--classifier', classifier!, ...rows.map((r) => r.file)], { encoding: 'utf8' });
  if (judged.status !== 0) throw new Error(`digitQuality failed: ${judged.stderr}`);
  const verdicts = new Map<string, Record<string, unknown>>();
  for (const line of judged.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const v = JSON.parse(line) as Record<string, unknown>;
    verdicts.set(String(v.samples), v);
    if (!rows.some((r) => r.file === v.samples)) console.log(line);
  }
  console.log('| sampler | NFE | seconds | confident ≥ 0.9 | rarest digit (share) | FID (× real-vs-real) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const v = verdicts.get(r.file)!;
    const shares = v.classShares as number[];
    const rarest = shares.indexOf(Math.min(...shares));
    console.log(`| ${r.c.label} | ${r.nfe} | ${r.seconds.toFixed(0)} | ${((v.confident as number) * 100).toFixed(1)} % | ${rarest}: ${((shares[rarest] ?? 0) * 100).toFixed(1)} % | ${String(v.fid)} (${String(v.fidRatio)}×) |`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
