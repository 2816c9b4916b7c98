// GFLOP/s of BatchMatMul on 1024³ for every transpose combination: scorekit's kernel (1 and 2 threads) beside
// tfjs-backend-wasm's own. `node node_modules/.bench/bench/kernels.js [size]` after a `pnpm bench` build.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, setWasmThreads } from '../src/index.js';
import { runOriginal } from '../src/wasm/internal/originalKernels.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Median seconds of `reps` runs of fn (its output disposed), after one warm-up run. */
function time(fn: () => tf.TensorInfo, reps: number): number {
  const backend = tf.backend();
  backend.disposeData(fn().dataId);
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = fn();
    ts.push((performance.now() - t0) / 1000);
    backend.disposeData(out.dataId);
  }
  return median(ts);
}

async function main(): Promise<void> {
  await selectBackend({ backend: 'wasm' });
  const n = Number(process.argv[2] ?? 1024);
  const a = tf.randomNormal([1, n, n]);
  const b = tf.randomNormal([1, n, n]);
  const flops = 2 * n * n * n;
  const backend = tf.backend();
  console.log(`BatchMatMul ${n}³ on wasm, GFLOP/s (median of 5)`);
  console.log(`${'transposeA/B'.padEnd(14)} ${'tfjs-wasm'.padStart(10)} ${'scorekit 1t'.padStart(12)} ${'scorekit 2t'.padStart(12)}`);
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    const attrs = { transposeA: ta, transposeB: tb } as unknown as tf.NamedAttrMap;
    const original = () => runOriginal(tf.BatchMatMul, { inputs: { a, b }, backend, attrs }) as tf.TensorInfo;
    const ours = () => tf.engine().runKernel(tf.BatchMatMul, { a, b }, attrs) as tf.Tensor;
    // tfjs's own transposed kernels run at ~1 GFLOP/s: one timed run is enough to show it
    const tOrig = time(original, ta || tb ? 1 : 5);
    setWasmThreads(1);
    const t1 = time(ours, 5);
    setWasmThreads(2);
    // the worker comes up once the event loop turns
    await new Promise((r) => setTimeout(r, 50));
    const t2 = time(ours, 5);
    const g = (s: number) => (flops / s / 1e9).toFixed(1).padStart(12);
    console.log(`${`${ta}/${tb}`.padEnd(14)} ${(flops / tOrig / 1e9).toFixed(1).padStart(10)} ${g(t1)} ${g(t2)}`);
  }
  process.exit(0);
}

void main();
