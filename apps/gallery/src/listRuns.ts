import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { readRun } from './readRun.js';
import { isInside } from './resolveInsideRoot.js';
import type { MalformedRun, RunSummary } from './runSummary.js';

/**
 * Lists the run folders directly inside `root`, sorted by name: the readable ones with their summaries, the rest
 * with the reason they cannot be read (a folder without config.json, broken JSON, a symlink that leads outside the
 * runs folder…). Hidden entries and plain files (the votes file) are not runs.
 *
 * @example
 * const { runs, malformed } = await listRuns('runs');
 */
export async function listRuns(root: string): Promise<{ runs: RunSummary[]; malformed: MalformedRun[] }> {
  const realRoot = await fs.realpath(root);
  const entries = await fs.readdir(realRoot, { withFileTypes: true });
  const runs: RunSummary[] = [];
  const malformed: MalformedRun[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = nodePath.join(realRoot, entry.name);
    if (entry.isSymbolicLink()) {
      const target = await fs.realpath(path).catch(() => null);
      if (target == null) {
        malformed.push({ name: entry.name, reason: 'a broken symbolic link' });
        continue;
      }
      if (!isInside(realRoot, target)) {
        malformed.push({ name: entry.name, reason: 'a symbolic link that leads outside the runs folder (not served)' });
        continue;
      }
      if (!(await fs.stat(target)).isDirectory()) continue;
    } else if (!entry.isDirectory()) {
      continue;
    }
    const r = await readRun(realRoot, entry.name);
    if (r.ok) runs.push(r.run.summary);
    else malformed.push({ name: entry.name, reason: r.reason });
  }
  return { runs, malformed };
}
