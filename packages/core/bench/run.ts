// `pnpm bench`: the peer benchmark's workloads through scorekit on wasm — the three of peer_torch.py and the U-Net
// of peer_unet_torch.py (unet-train, unet-sample; see unet.ts) — beside PyTorch when a python3 with torch is
// present. Each repeat runs scorekit on 1 thread, then on 2 (main + worker, see setWasmThreads), then the
// torch peer on 1 thread as given, on 1 thread with its BLAS pool held to one thread too (the "1 core" column; see
// runPeer), and on 2 threads, so every scorekit figure has torch figures taken under the same machine load (the
// cores are shared): a ratio is the median over repeats of the ratios within one repeat. Prints a table (with the
// cores each torch run kept busy, and for the U-Net the memory of a step beside its speed) and the same as JSON,
// and writes the JSON to bench/results/ (git-ignored).
// Options: --repeats N (default 3), --workloads a,b, --threads 1,2 (default both), --no-peer, --unet-steps N (timed
// steps of the U-Net workloads, default 8 as the peer).
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend, setWasmThreads } from '../src/index.js';
import { findTorchPython, peerScript, runPeer, type PeerRun } from './peer.js';
import { loadModels, unetSample, unetTrain, UNET_TRAIN_BATCH, type UnetRun } from './unet.js';
import { WORKLOADS, runWorkload, type PeerFile, type WorkloadName } from './workloads.js';

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
const mib = (bytes: number | null): string => (bytes === null ? '—' : (bytes / 2 ** 20).toFixed(0));
// peer_unet_torch.py's arguments after the thread count: nf 32 (UNET_PRESETS.mnist) and the training batch
const PEER_ARGS: Record<PeerFile, string[]> = { 'peer_torch.py': [], 'peer_unet_torch.py': ['32', String(UNET_TRAIN_BATCH)] };

async function main(): Promise<void> {
  const repeats = Number(arg('repeats') ?? 3);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats must be a positive integer, got ${arg('repeats')}`);
  const names = (arg('workloads')?.split(',') ?? Object.keys(WORKLOADS)) as WorkloadName[];
  for (const n of names) {
    if (!(n in WORKLOADS)) throw new Error(`unknown workload '${n}'; allowed: ${Object.keys(WORKLOADS).join(', ')}`);
  }
  const unetSteps = Number(arg('unet-steps') ?? 8);
  if (!Number.isInteger(unetSteps) || unetSteps < 1) throw new Error(`--unet-steps must be a positive integer, got ${arg('unet-steps')}`);
  const threadsList = (arg('threads') ?? '1,2').split(',').map(Number);
  for (const t of threadsList) {
    if (t !== 1 && t !== 2) throw new Error(`--threads takes 1, 2 or 1,2, got ${arg('threads')}`);
  }
  const backend = await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm' });
  const pkg = packageDir();
  const python = process.argv.includes('--no-peer') ? null : findTorchPython();
  const peerFiles = [...new Set(names.map((n) => WORKLOADS[n].peer))];
  const scripts = new Map(peerFiles.map((f) => [f, peerScript(pkg, f)]));
  if (python === null) console.log('torch peer: no python3 with torch found (tried python3, /usr/bin/python3); scorekit rates only');
  else console.log(`torch peer: ${python} ${[...scripts.values()].join(', ')}`);
  const models = names.some((n) => n.startsWith('unet-')) ? await loadModels(pkg) : null;
  if (names.some((n) => n.startsWith('unet-')) && models === null) {
    throw new Error('unet-train and unet-sample need @scorekit/models beside this package (packages/models/src)');
  }
  const loadBefore = load();
  console.log(`load average (1, 5, 15 min): ${loadBefore}`);

  // [run][workload] → one rate per repeat. scorekit runs are keyed by thread count; torch runs by thread count, and
  // '1-one-core' for the one-thread peer with its BLAS pool held to one thread as well (see runPeer)
  const scorekit = new Map<string, Map<WorkloadName, number[]>>();
  const torch = new Map<string, Map<WorkloadName, number[]>>();
  const torchCores = new Map<string, (number | null)[]>();
  // U-Net memory: [threads][workload] → per repeat; torch's peak RSS per run key
  const stepBytes = new Map<string, number[]>();
  const heapBytes = new Map<string, number[]>();
  const torchRss = new Map<string, number[]>();
  const torchRuns: { key: string; threads: number; blasThreads?: number }[] = [
    { key: '1', threads: 1 },
    { key: '1-one-core', threads: 1, blasThreads: 1 },
    ...(threadsList.includes(2) ? [{ key: '2', threads: 2 }] : []),
  ];
  const push = (m: Map<string, Map<WorkloadName, number[]>>, key: string, n: WorkloadName, v: number) => {
    const byName = m.get(key) ?? new Map<WorkloadName, number[]>();
    m.set(key, byName);
    byName.set(n, [...(byName.get(n) ?? []), v]);
  };
  for (let r = 0; r < repeats; r++) {
    for (const t of threadsList) {
      setWasmThreads(t);
      for (const name of names) {
        let rate: number;
        let memory = '';
        if (name === 'unet-train' || name === 'unet-sample') {
          const u: UnetRun = await (name === 'unet-train' ? unetTrain : unetSample)(models!, r, unetSteps);
          rate = u.rate;
          const key = `${t} ${name}`;
          stepBytes.set(key, [...(stepBytes.get(key) ?? []), u.peakStepBytes]);
          if (u.heapBytes !== null) heapBytes.set(key, [...(heapBytes.get(key) ?? []), u.heapBytes]);
          memory = ` (peak ${mib(u.peakStepBytes)} MiB of tensors in a step, wasm heap ${mib(u.heapBytes)} MiB)`;
        } else {
          rate = await runWorkload(name, r);
        }
        push(scorekit, String(t), name, rate);
        console.log(`[${r + 1}/${repeats}] scorekit ${backend.name} ${t}t ${name}: ${rate.toFixed(3)} ${WORKLOADS[name].unit}${memory}`);
      }
    }
    if (python !== null) {
      for (const run of torchRuns) {
        for (const file of peerFiles) {
          let peer: PeerRun;
          try {
            peer = runPeer(python, scripts.get(file)!, run.threads, run.blasThreads, PEER_ARGS[file]);
          } catch (e) {
            console.log(`torch ${run.key}: ${file} failed, left out of this repeat: ${(e as Error).message}`);
            peer = { rates: {}, cores: null };
          }
          const mine = names.filter((n) => WORKLOADS[n].peer === file);
          for (const name of mine) {
            // NaN keeps the repeats aligned with scorekit's; medians skip it
            push(torch, run.key, name, peer.rates[WORKLOADS[name].peerKey] ?? Number.NaN);
          }
          const coresKey = `${run.key} ${file}`;
          torchCores.set(coresKey, [...(torchCores.get(coresKey) ?? []), peer.cores]);
          if (peer.maxRssBytes != null) torchRss.set(coresKey, [...(torchRss.get(coresKey) ?? []), peer.maxRssBytes]);
          console.log(
            `[${r + 1}/${repeats}] torch ${run.key === '1-one-core' ? '1t, BLAS on one thread' : `${run.threads}t`}: ` +
              `${mine.map((n) => `${n} ${fmt(peer.rates[WORKLOADS[n].peerKey] ?? null)}`).join(', ')} ` +
              `(cores busy: ${fmt(peer.cores, 2)}, peak RSS ${mib(peer.maxRssBytes ?? null)} MiB)`,
          );
        }
      }
    }
  }

  /** Median over repeats of scorekit(threads)/torch(run) within each repeat. */
  const ratio = (t: number, key: string, name: WorkloadName): number | null => {
    const s = scorekit.get(String(t))?.get(name) ?? [];
    const p = torch.get(key)?.get(name) ?? [];
    return median(p.map((v, i) => s[i] / v));
  };
  const torchMedian = (key: string, name: WorkloadName) => median(torch.get(key)?.get(name) ?? []);
  const rows = threadsList.flatMap((t) =>
    names.map((name) => ({
      workload: name,
      unit: WORKLOADS[name].unit,
      threads: t,
      scorekit: median(scorekit.get(String(t))?.get(name) ?? []),
      runs: scorekit.get(String(t))?.get(name) ?? [],
      torch1: torchMedian('1', name),
      torch1OneCore: torchMedian('1-one-core', name),
      torchSame: torchMedian(String(t), name),
      ratioVsTorch1: ratio(t, '1', name),
      ratioVsTorch1OneCore: ratio(t, '1-one-core', name),
      ratioVsTorchSame: ratio(t, String(t), name),
      // the U-Net only: memory beside speed (scorekit: tensors alive at the peak of one step, and the wasm heap's
      // high-water mark; torch: the peer process's peak RSS, Python and libraries included, same thread count)
      peakStepMiB: median(stepBytes.get(`${t} ${name}`) ?? []) === null ? null : median(stepBytes.get(`${t} ${name}`)!)! / 2 ** 20,
      wasmHeapMiB: (heapBytes.get(`${t} ${name}`) ?? []).length === 0 ? null : Math.max(...heapBytes.get(`${t} ${name}`)!) / 2 ** 20,
      torchPeakRssMiB: name.startsWith('unet-') ? (median(torchRss.get(`${t} peer_unet_torch.py`) ?? []) ?? Number.NaN) / 2 ** 20 : null,
    })),
  );
  console.log('');
  console.log(
    `${'workload'.padEnd(11)} ${'unit'.padEnd(14)} thr ${'scorekit'.padStart(11)} ${'torch 1t'.padStart(11)} ` +
      `${'÷torch 1t'.padStart(9)} ${'1t, 1 core'.padStart(11)} ${'÷1 core'.padStart(8)} ${'torch same'.padStart(11)} ` +
      `${'÷same'.padStart(6)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.workload.padEnd(11)} ${r.unit.padEnd(14)} ${String(r.threads).padStart(3)} ${fmt(r.scorekit).padStart(11)} ` +
        `${fmt(r.torch1).padStart(11)} ${times(r.ratioVsTorch1).padStart(9)} ${fmt(r.torch1OneCore).padStart(11)} ` +
        `${times(r.ratioVsTorch1OneCore).padStart(8)} ${fmt(r.torchSame).padStart(11)} ${times(r.ratioVsTorchSame).padStart(6)}`,
    );
  }
  for (const r of rows.filter((row) => row.peakStepMiB !== null)) {
    console.log(
      `${r.workload} ${r.threads}t memory: peak ${fmt(r.peakStepMiB, 0)} MiB of tensors in one step, wasm heap ` +
        `${fmt(r.wasmHeapMiB, 0)} MiB; torch ${r.threads}t process peak RSS ${fmt(r.torchPeakRssMiB, 0)} MiB`,
    );
  }
  if (python !== null) {
    const cores = [...torchCores.keys()].map((key) => `${key} ${fmt(median((torchCores.get(key) ?? []).filter((c) => c !== null)), 2)}`);
    console.log(`torch cores busy (CPU time ÷ wall time, median): ${cores.join(', ')}`);
    console.log("'1t, 1 core': peer_torch.py 1 with OPENBLAS/OMP/MKL_NUM_THREADS=1 (torch.set_num_threads does not hold OpenBLAS)");
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
    peerScripts: python === null ? null : Object.fromEntries(scripts),
    torchRuns: Object.fromEntries([...torch].map(([k, m]) => [k, Object.fromEntries(m)])),
    torchCoresBusy: Object.fromEntries(torchCores),
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
