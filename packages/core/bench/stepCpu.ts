// Wall and process CPU time per U-Net training step (`npx tsx --conditions=source bench/stepCpu.ts [steps]`), so a
// step's cost can be read on a machine where other jobs take the cores: CPU time counts only while we run. On Linux
// it also prints the main thread's own CPU time per step: everything that cannot run on the second core runs there,
// so on two threads it is what a quiet machine's step would take at least, and it holds under load.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/index.js';
import { loadModels, unetSteps } from './unet.js';

/** The main thread's user + system CPU time in ms (Linux /proc; clock ticks of 10 ms), or NaN elsewhere. */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function main(): Promise<void> {
  await selectBackend({ backend: 'wasm' });
  const models = await loadModels(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
  if (models === null) throw new Error('stepCpu needs @scorekit/models beside this package (packages/models/src)');
  const kind = (process.env.STEP_KIND ?? 'train') as 'train' | 'sample';
  const { step, dispose } = unetSteps(models, kind, 0);
  const steps = Number(process.argv[2] ?? 5);
  for (let i = 0; i < 2; i++) step().dispose();
  const walls: number[] = [];
  const cpus: number[] = [];
  const main0 = mainThreadCpuMs();
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = step();
    out.dataSync();
    out.dispose();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const min = (xs: number[]) => Math.min(...xs).toFixed(0);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(0);
  const mainMs = (mainThreadCpuMs() - main0) / steps;
  const mean = walls.reduce((a, b) => a + b, 0) / walls.length;
  console.log(
    `unet-${kind}: wall ms/step min ${min(walls)} median ${med(walls)} mean ${mean.toFixed(0)} (${(1000 / mean).toFixed(3)} steps/s); ` +
      `CPU ms/step min ${min(cpus)} median ${med(cpus)}; main thread CPU ms/step ${mainMs.toFixed(0)}`,
  );
  dispose();
  process.exit(0);
}

void main();
