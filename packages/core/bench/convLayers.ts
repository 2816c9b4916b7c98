// GFLOP/s of every convolution kernel call in one U-Net training step, replayed one by one on 1 and 2 threads:
// `npx tsx --conditions=source bench/convLayers.ts [reps] [substring]`. The calls (kernel, input shapes, attributes) are recorded
// by wrapping the three convolution kernels during one step, then each distinct call is timed (median of `reps`)
// on fresh random inputs, so a kernel's rate can be compared before and after a change in the same process.
import * as tf from '@tensorflow/tfjs-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend, setWasmThreads } from '../src/index.js';
import { loadModels, unetSteps } from './unet.js';

const KERNELS = [tf.Conv2D, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter];

interface Call {
  readonly kernel: string;
  readonly shapes: Record<string, number[]>;
  readonly attrs: tf.NamedAttrMap;
  count: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Multiply-adds × 2 of a call: the forward convolution's, which all three kernels share. */
function flops(c: Call): number {
  const a = c.attrs as unknown as { filterShape?: number[]; inputShape?: number[] };
  if (c.kernel === tf.Conv2D) {
    const [, , ci, co] = c.shapes.filter;
    const [n, h, w] = c.shapes.x;
    const s = (c.attrs.strides as number[] | number) ?? 1;
    const [sh, sw] = Array.isArray(s) ? s : [s, s];
    return 2 * n * Math.ceil(h / sh) * Math.ceil(w / sw) * c.shapes.filter[0] * c.shapes.filter[1] * ci * co;
  }
  const [n, oh, ow, co] = c.shapes.dy;
  const f = c.kernel === tf.Conv2DBackpropFilter ? (a.filterShape as number[]) : c.shapes.filter;
  return 2 * n * oh * ow * f[0] * f[1] * f[2] * co;
}

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? 5);
  const only = process.argv[3] ?? '';
  await selectBackend({ backend: 'wasm' });
  const models = await loadModels(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
  if (models === null) throw new Error('convLayers needs @scorekit/models beside this package (packages/models/src)');
  const calls = new Map<string, Call>();
  const originals = KERNELS.map((k) => tf.getKernel(k, 'wasm') as tf.KernelConfig);
  for (const config of originals) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const shapes = Object.fromEntries(Object.entries(args.inputs).map(([k, t]) => [k, [...(t as tf.TensorInfo).shape]]));
        const key = `${config.kernelName} ${JSON.stringify(shapes)} ${JSON.stringify(args.attrs)}`;
        const e = calls.get(key) ?? { kernel: config.kernelName, shapes, attrs: { ...args.attrs }, count: 0 };
        e.count++;
        calls.set(key, e);
        return config.kernelFunc(args);
      },
    });
  }
  const { step, dispose } = unetSteps(models, 'train', 0);
  step().dispose();
  dispose();
  for (const config of originals) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  const time = (c: Call): number => {
    const inputs = Object.fromEntries(Object.entries(c.shapes).map(([k, s]) => [k, tf.randomNormal(s)]));
    const run = () => (tf.engine().runKernel(c.kernel, inputs, c.attrs) as tf.Tensor).dispose();
    run();
    const ts: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      run();
      ts.push(performance.now() - t0);
    }
    Object.values(inputs).forEach((t) => t.dispose());
    return median(ts);
  };
  const rows = [...calls.values()].filter((c) => `${c.kernel} ${JSON.stringify(c.shapes)}`.includes(only));
  const totals = [0, 0];
  console.log('kernel, shapes, strides: calls/step, ms per call and GFLOP/s on 1 | 2 threads');
  for (const c of rows) {
    setWasmThreads(1);
    const t1 = time(c);
    setWasmThreads(2);
    const t2 = time(c);
    totals[0] += t1 * c.count;
    totals[1] += t2 * c.count;
    const g = (ms: number) => (flops(c) / ms / 1e6).toFixed(1).padStart(6);
    const s = JSON.stringify(c.attrs.strides);
    console.log(
      `${c.kernel.padEnd(20)} ${JSON.stringify(c.shapes).padEnd(44)} s${s.padEnd(5)} ×${c.count}  ` +
        `${t1.toFixed(2).padStart(7)} ms ${g(t1)} | ${t2.toFixed(2).padStart(7)} ms ${g(t2)}`,
    );
  }
  console.log(`all convolution calls of a step: ${totals[0].toFixed(0)} ms on 1 thread, ${totals[1].toFixed(0)} ms on 2`);
  process.exit(0);
}

void main();
