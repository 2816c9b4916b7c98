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

/** shared/bench/peer_torch.py beside the repository if present, else the copy kept in bench/peer. */
export function peerScript(packageDir: string): string {
  const root = repoRoot(packageDir);
  const shared = root === null ? null : resolve(root, '..', 'shared', 'bench', 'peer_torch.py');
  if (shared !== null && existsSync(shared)) return shared;
  return join(packageDir, 'bench', 'peer', 'peer_torch.py');
}

/** The first of `python3`, `/usr/bin/python3` that can `import torch`, or null. */
export function findTorchPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return null;
}

/** Runs the peer with `threads` torch threads; returns its rates keyed like "mlp-train steps/s". */
export function runPeer(python: string, script: string, threads: number): Record<string, number> {
  const r = spawnSync(python, [script, String(threads)], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`peer benchmark failed (exit ${r.status}): ${r.stderr}`);
  const out: Record<string, number> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^torch threads=\d+ (.+) ([0-9.eE+-]+)$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}
