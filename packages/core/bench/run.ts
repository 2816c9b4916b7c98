// `pnpm bench`: the peer benchmark's three workloads through scorekit on wasm, beside PyTorch when a python3 with
// torch is present. Each repeat runs scorekit on 1 thread, then on 2 (main + worker, see setWasmThreads), then the
// torch peer on 1 and on 2 threads, so every scorekit figure has torch figures taken under the same machine load
// (the cores are shared): a ratio is the median over repeats of the ratios within one repeat. Prints a table and
// the same as JSON, and writes the JSON to bench/results/ (git-ignored).
// Options: --repeats N (default 3), --workloads a,b, --threads 1,2 (default both), --no-peer.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend, setWasmThreads } from '../src/index.js';
import { findTorchPython, peerScript, runPeer } from './peer.js';
import { WORKLOADS, runWorkload, type WorkloadName } from './workloads.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(values: readonly number[]): number | null {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The package directory, found from the compiled file's location (…/node_modules/.bench/bench/run.js) or source. */
function packageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!dir.endsWith('node_modules') && dirname(dir) !== dir) dir = dirname(dir);
  return dir.endsWith('node_modules') ? dirname(dir) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

const fmt = (x: number | null, digits = 3): string => (x === null ? '—' : x.toFixed(digits));
const times = (x: number | null): string => (x === null ? '—' : `${x.toFixed(2)}×`);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const repeats = Number(arg('repeats') ?? 3);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats must be a positive integer, got ${arg('repeats')}`);
  const names = (arg('workloads')?.split(',') ?? Object.keys(WORKLOADS)) as WorkloadName[];
  for (const n of names) {
    if (!(n in WORKLOADS)) throw new Error(`unknown workload '${n}'; allowed: ${Object.keys(WORKLOADS).join(', ')}`);
  }
  const threadsList = (arg('threads') ?? '1,2').split(',').map(Number);
  for (const t of threadsList) {
    if (t !== 1 && t !== 2) throw new Error(`--threads takes 1, 2 or 1,2, got ${arg('threads')}`);
  }
  const backend = await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm' });
  const pkg = packageDir();
  const python = process.argv.includes('--no-peer') ? null : findTorchPython();
  const script = peerScript(pkg);
  if (python === null) console.log('torch peer: no python3 with torch found (tried python3, /usr/bin/python3); scorekit rates only');
  else console.log(`torch peer: ${python} ${script}`);
  const loadBefore = load();
  console.log(`load average (1, 5, 15 min): ${loadBefore}`);

  // [threads][workload] → one rate per repeat; torch likewise per torch thread count
  const scorekit = new Map<number, Map<WorkloadName, number[]>>();
  const torch = new Map<number, Map<WorkloadName, number[]>>();
  const torchThreads = [...new Set([1, ...threadsList])];
  const push = (m: Map<number, Map<WorkloadName, number[]>>, t: number, n: WorkloadName, v: number) => {
    const byName = m.get(t) ?? new Map<WorkloadName, number[]>();
    m.set(t, byName);
    byName.set(n, [...(byName.get(n) ?? []), v]);
  };
  for (let r = 0; r < repeats; r++) {
    for (const t of threadsList) {
      setWasmThreads(t);
      for (const name of names) {
        const rate = await runWorkload(name, r);
        push(scorekit, t, name, rate);
        console.log(`[${r + 1}/${repeats}] scorekit ${backend.name} ${t}t ${name}: ${rate.toFixed(3)} ${WORKLOADS[name].unit}`);
      }
    }
    if (python !== null) {
      for (const t of torchThreads) {
        let peer: Record<string, number>;
        try {
          peer = runPeer(python, script, t);
        } catch (e) {
          console.log(`torch ${t}t: peer failed, left out of this repeat: ${(e as Error).message}`);
          peer = {};
        }
        for (const name of names) {
          // NaN keeps the repeats aligned with scorekit's; medians skip it
          push(torch, t, name, peer[WORKLOADS[name].peerKey] ?? Number.NaN);
        }
        console.log(`[${r + 1}/${repeats}] torch ${t}t: ${names.map((n) => `${n} ${fmt(peer[WORKLOADS[n].peerKey] ?? null)}`).join(', ')}`);
      }
    }
  }

  /** Median over repeats of scorekit(threads)/torch(tt) within each repeat. */
  const ratio = (t: number, tt: number, name: WorkloadName): number | null => {
    const s = scorekit.get(t)?.get(name) ?? [];
    const p = torch.get(tt)?.get(name) ?? [];
    return median(p.map((v, i) => s[i] / v));
  };
  const rows = threadsList.flatMap((t) =>
    names.map((name) => ({
      workload: name,
      unit: WORKLOADS[name].unit,
      threads: t,
      scorekit: median(scorekit.get(t)?.get(name) ?? []),
      runs: scorekit.get(t)?.get(name) ?? [],
      torch1: median(torch.get(1)?.get(name) ?? []),
      torchSame: median(torch.get(t)?.get(name) ?? []),
      ratioVsTorch1: ratio(t, 1, name),
      ratioVsTorchSame: ratio(t, t, name),
    })),
  );
  console.log('');
  console.log(
    `${'workload'.padEnd(11)} ${'unit'.padEnd(14)} thr ${'scorekit'.padStart(11)} ${'torch 1t'.padStart(11)} ` +
      `${'÷torch 1t'.padStart(9)} ${'torch same'.padStart(11)} ${'÷same'.padStart(6)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.workload.padEnd(11)} ${r.unit.padEnd(14)} ${String(r.threads).padStart(3)} ${fmt(r.scorekit).padStart(11)} ` +
        `${fmt(r.torch1).padStart(11)} ${times(r.ratioVsTorch1).padStart(9)} ${fmt(r.torchSame).padStart(11)} ` +
        `${times(r.ratioVsTorchSame).padStart(6)}`,
    );
  }
  const result = {
    date: new Date().toISOString(),
    backend: backend.name,
    tfjs: tf.version_core,
    node: process.version,
    repeats,
    loadAverageBefore: loadBefore,
    loadAverageAfter: load(),
    torchPython: python,
    peerScript: python === null ? null : script,
    torchRuns: Object.fromEntries([...torch].map(([t, m]) => [`${t}`, Object.fromEntries(m)])),
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
  // the worker thread (if started) is unref'd; exit explicitly all the same so a pending handle cannot hold us
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
