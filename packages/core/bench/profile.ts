// Kernel-by-kernel profile of one training step (or sampling step) of a workload:
// `npx tsx --conditions=source bench/profile.ts unet-train` (mlp-train, mlp-sample, conv-train, unet-train,
// unet-sample). PROFILE_SHAPES=1 splits each kernel by its input shapes; SCOREKIT_WASM_THREADS picks the threads.
import * as tf from '@tensorflow/tfjs-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, adam, selectBackend } from '../src/index.js';
import { loadModels, unetSteps } from './unet.js';
import { convNet, dsmStep, mlp, sampleStep } from './workloads.js';

async function main(): Promise<void> {
  const name = process.argv[2] ?? 'conv-train';
  await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm' });
  const rng = new Rng(0);
  const allowed = ['mlp-train', 'mlp-sample', 'conv-train', 'unet-train', 'unet-sample'];
  if (!allowed.includes(name)) throw new Error(`unknown workload '${name}'; allowed: ${allowed.join(', ')}`);
  let step: () => tf.Tensor;
  let dispose: () => void;
  if (name.startsWith('unet-')) {
    const models = await loadModels(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
    if (models === null) throw new Error(`${name} needs @scorekit/models beside this package (packages/models/src)`);
    ({ step, dispose } = unetSteps(models, name === 'unet-train' ? 'train' : 'sample', 0));
  } else {
    const conv = name === 'conv-train';
    const model = conv ? convNet(rng) : mlp(rng);
    const shape = conv ? [64, 28, 28, 1] : [1024, 2];
    const opt = adam(1e-3);
    const x = rng.normal([10_000, 2]);
    // one step of the workload: a training step, or one sampling step of the peer's 10,000 points (of 100)
    step = () => (name === 'mlp-sample' ? sampleStep(model, x, 50, 100, rng) : dsmStep(model, opt, rng, shape));
    dispose = () => {
      opt.dispose();
      x.dispose();
      model.vars.forEach((v) => v.dispose());
    };
  }
  for (let i = 0; i < 2; i++) step().dispose();
  const steps = Number(process.env.PROFILE_STEPS ?? 3);
  const totals = new Map<string, { ms: number; calls: number }>();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const info = await tf.profile(() => {
      const out = step();
      out.dataSync();
      out.dispose();
    });
    for (const k of info.kernels) {
      const key = process.env.PROFILE_SHAPES ? `${k.name} ${JSON.stringify(k.inputShapes)}` : k.name;
      const e = totals.get(key) ?? { ms: 0, calls: 0 };
      e.ms += Number(k.kernelTimeMs);
      e.calls += 1;
      totals.set(key, e);
    }
  }
  const wall = (performance.now() - t0) / steps;
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0) / steps;
  const calls = rows.reduce((s, [, e]) => s + e.calls, 0) / steps;
  console.log(
    `${name} on ${tf.getBackend()}: ${wall.toFixed(1)} ms/step wall (profiled), ${kernelMs.toFixed(1)} ms in ` +
      `${calls.toFixed(0)} kernel calls`,
  );
  for (const [k, e] of rows.slice(0, Number(process.env.PROFILE_ROWS ?? 25))) {
    console.log(`${k.padEnd(28)} ${(e.ms / steps).toFixed(2).padStart(9)} ms  ${String(e.calls / steps).padStart(4)} calls/step`);
  }
  dispose();
}

void main();
