// `pnpm bench`: the peer benchmark's three workloads through scorekit on wasm, each repeated and reported as a
// median, beside PyTorch (one thread) when a python3 with torch is present. Prints a table and the same as JSON,
// and writes the JSON to bench/results/. Options: --repeats N (default 3), --workloads a,b, --no-peer.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/index.js';
import { findTorchPython, peerScript, runPeer } from './peer.js';
import { WORKLOADS, runWorkload, type WorkloadName } from './workloads.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The package directory, found from the compiled file's location (…/node_modules/.bench/bench/run.js) or source. */
function packageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!dir.endsWith('node_modules') && dirname(dir) !== dir) dir = dirname(dir);
  return dir.endsWith('node_modules') ? dirname(dir) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

async function main(): Promise<void> {
  const repeats = Number(arg('repeats') ?? 3);
  const names = (arg('workloads')?.split(',') ?? Object.keys(WORKLOADS)) as WorkloadName[];
  for (const n of names) {
    if (!(n in WORKLOADS)) throw new Error(`unknown workload '${n}'; allowed: ${Object.keys(WORKLOADS).join(', ')}`);
  }
  const backend = await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm' });
  const pkg = packageDir();
  const python = process.argv.includes('--no-peer') ? null : findTorchPython();
  const script = peerScript(pkg);

  const scorekit: Record<string, number[]> = {};
  for (const name of names) {
    scorekit[name] = [];
    for (let r = 0; r < repeats; r++) {
      const rate = await runWorkload(name, r);
      scorekit[name].push(rate);
      console.log(`scorekit ${backend.name} ${name} run ${r + 1}/${repeats}: ${rate.toFixed(3)} ${WORKLOADS[name].unit}`);
    }
  }
  let torch: Record<string, number> | null = null;
  if (python !== null) {
    console.log(`torch peer: ${python} ${script} 1`);
    torch = runPeer(python, script, 1);
  } else {
    console.log('torch peer: no python3 with torch found (tried python3, /usr/bin/python3); scorekit rates only');
  }

  const rows = names.map((name) => {
    const rate = median(scorekit[name]);
    const peer = torch?.[WORKLOADS[name].peerKey] ?? null;
    return { workload: name, unit: WORKLOADS[name].unit, scorekit: rate, runs: scorekit[name], torch: peer, ratio: peer === null ? null : rate / peer };
  });
  console.log('');
  console.log(`${'workload'.padEnd(12)} ${'unit'.padEnd(14)} ${'scorekit'.padStart(12)} ${'torch(1t)'.padStart(12)} ${'ratio'.padStart(7)}`);
  for (const r of rows) {
    console.log(
      `${r.workload.padEnd(12)} ${r.unit.padEnd(14)} ${r.scorekit.toFixed(3).padStart(12)} ` +
        `${r.torch === null ? '—'.padStart(12) : r.torch.toFixed(3).padStart(12)} ${r.ratio === null ? '—'.padStart(7) : `${r.ratio.toFixed(2)}×`.padStart(7)}`,
    );
  }
  const result = {
    date: new Date().toISOString(),
    backend: backend.name,
    tfjs: tf.version_core,
    node: process.version,
    repeats,
    torchPython: python,
    peerScript: python === null ? null : script,
    rows,
  };
  const json = JSON.stringify(result, null, 2);
  console.log(json);
  const dir = join(pkg, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(`${file}.tmp`, json);
  renameSync(`${file}.tmp`, file);
  console.log(`written ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
