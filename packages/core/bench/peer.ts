// Finds and runs the PyTorch peer benchmark (peer_torch.py) when a python3 with torch is present.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest ancestor of this package holding pnpm-workspace.yaml. */
function repoRoot(from: string): string | null {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** shared/bench/<file> beside the repository if present, else the copy kept in bench/peer. */
export function peerScript(packageDir: string, file: 'peer_torch.py' | 'peer_unet_torch.py' = 'peer_torch.py'): string {
  const root = repoRoot(packageDir);
  const shared = root === null ? null : resolve(root, '..', 'shared', 'bench', file);
  if (shared !== null && existsSync(shared)) return shared;
  return join(packageDir, 'bench', 'peer', file);
}

/** The first of `python3`, `/usr/bin/python3` that can `import torch`, or null. */
export function findTorchPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return null;
}

/**
 * One run of the peer: its rates keyed like "mlp-train steps/s", the cores it kept busy (CPU time ÷ wall time) and
 * the process's peak resident memory in bytes (Python and torch's libraries included).
 */
export interface PeerRun {
  readonly rates: Record<string, number>;
  readonly cores: number | null;
  readonly maxRssBytes?: number | null;
}

// Runs the script as __main__ and then prints the process's CPU time (all its threads) beside the wall time.
const USAGE_WRAPPER = [
  'import resource, runpy, sys, time',
  'sys.argv = sys.argv[1:]',
  't = time.perf_counter()',
  "runpy.run_path(sys.argv[0], run_name='__main__')",
  'u = resource.getrusage(resource.RUSAGE_SELF)',
  "print(f'peer usage cpu={u.ru_utime + u.ru_stime:.3f} wall={time.perf_counter() - t:.3f} maxrss_kib={u.ru_maxrss}')",
].join('\n');

/**
 * Runs the peer with `threads` torch threads. With `blasThreads`, OpenBLAS, OpenMP and MKL are held to that many
 * threads as well: Debian's torch does its matrix products in OpenBLAS, whose own thread pool
 * `torch.set_num_threads` does not govern, so `peer_torch.py 1` alone uses both cores of this machine in them.
 */
export function runPeer(
  python: string,
  script: string,
  threads: number,
  blasThreads?: number,
  extraArgs: readonly string[] = [],
): PeerRun {
  const env = { ...process.env };
  if (blasThreads !== undefined) {
    for (const v of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) env[v] = String(blasThreads);
  }
  const r = spawnSync(python, ['-c', USAGE_WRAPPER, script, String(threads), ...extraArgs], { encoding: 'utf8', timeout: 600_000, env });
  if (r.status !== 0) throw new Error(`peer benchmark failed (exit ${r.status}): ${r.stderr}`);
  const rates: Record<string, number> = {};
  let cores: number | null = null;
  let maxRssBytes: number | null = null;
  for (const line of r.stdout.split('\n')) {
    // peer_torch.py: "torch threads=1 mlp-train steps/s 43.2"; peer_unet_torch.py: "torch threads=1 nf=32
    // params=1096033 unet-train steps/s (batch 32) 2.4", keyed "unet-train steps/s"
    const m = /^torch threads=\d+ (?:nf=\d+ params=\d+ )?(.+?)(?: \(batch \d+\))? ([0-9.eE+-]+)$/.exec(line.trim());
    if (m) rates[m[1]] = Number(m[2]);
    const u = /^peer usage cpu=([0-9.]+) wall=([0-9.]+) maxrss_kib=(\d+)$/.exec(line.trim());
    if (u && Number(u[2]) > 0) cores = Number(u[1]) / Number(u[2]);
    if (u) maxRssBytes = Number(u[3]) * 1024;
  }
  return { rates, cores, maxRssBytes };
}
