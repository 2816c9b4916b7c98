// CPU-time profile of a U-Net step, kernel by kernel (`npx tsx --conditions=source bench/profileCpu.ts
// [train|sample] [steps]`): every wasm kernel is wrapped to add the process CPU time it took, so the figures hold on
// a machine whose cores other jobs share (wall-clock profiles there mostly measure waiting). Run it with
// SCOREKIT_WASM_THREADS=1 so that CPU time is one thread's; "outside kernels" is the step's CPU time not spent in
// any kernel (the autodiff tape, JS ops such as dropout's mask, garbage collection). Each kernel's wall time is
// printed beside its CPU time: with SCOREKIT_WASM_THREADS=2, CPU ÷ wall near 1 marks what runs on one thread only.
import * as tf from '@tensorflow/tfjs-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/index.js';
import { loadModels, unetSteps } from './unet.js';

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

async function main(): Promise<void> {
  await selectBackend({ backend: 'wasm' });
  const models = await loadModels(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
  if (models === null) throw new Error('profileCpu needs @scorekit/models beside this package (packages/models/src)');
  const kind = (process.argv[2] ?? 'train') as 'train' | 'sample';
  const steps = Number(process.argv[3] ?? 4);
  const totals = new Map<string, { ms: number; wallMs: number; calls: number }>();
  let depth = 0;
  let recording = false;
  for (const config of tf.getKernelsForBackend('wasm')) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        // kernels that call other kernels count once, at the outermost level
        if (!recording || depth > 0) return config.kernelFunc(args);
        depth++;
        const t0 = cpuMs();
        const w0 = performance.now();
        try {
          return config.kernelFunc(args);
        } finally {
          depth--;
          const e = totals.get(config.kernelName) ?? { ms: 0, wallMs: 0, calls: 0 };
          e.ms += cpuMs() - t0;
          e.wallMs += performance.now() - w0;
          e.calls++;
          totals.set(config.kernelName, e);
        }
      },
    });
  }
  const { step, dispose } = unetSteps(models, kind, 0);
  for (let i = 0; i < 2; i++) step().dispose();
  recording = true;
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const out = step();
    out.dataSync();
    out.dispose();
  }
  const cpu = (cpuMs() - c0) / steps;
  const wall = (performance.now() - t0) / steps;
  recording = false;
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const inKernels = rows.reduce((s, [, e]) => s + e.ms, 0) / steps;
  const inKernelsWall = rows.reduce((s, [, e]) => s + e.wallMs, 0) / steps;
  console.log(
    `unet-${kind}: ${cpu.toFixed(0)} ms CPU per step (${wall.toFixed(0)} ms wall), ${inKernels.toFixed(0)} ms CPU ` +
      `(${inKernelsWall.toFixed(0)} wall) in kernels, ${(cpu - inKernels).toFixed(0)} ms CPU ` +
      `(${(wall - inKernelsWall).toFixed(0)} wall) outside kernels`,
  );
  console.log(`${'kernel'.padEnd(28)} ${'CPU ms'.padStart(8)} ${'wall ms'.padStart(8)} ${'calls/step'.padStart(10)}`);
  for (const [name, e] of rows.slice(0, Number(process.env.PROFILE_ROWS ?? 25))) {
    console.log(
      `${name.padEnd(28)} ${(e.ms / steps).toFixed(1).padStart(8)} ${(e.wallMs / steps).toFixed(1).padStart(8)} ` +
        `${String(e.calls / steps).padStart(10)}`,
    );
  }
  dispose();
  process.exit(0);
}

void main();
