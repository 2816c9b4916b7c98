import * as tf from '@tensorflow/tfjs';
import { Rng, selectBackend, silu } from '../src/index.js';
import { mlp, sampleStep } from './workloads.js';
async function main(): Promise<void> {
  await selectBackend({ backend: 'wasm' });
  const rng = new Rng(0);
  const model = mlp(rng);
  let x = rng.normal([10_000, 2]);
  const t = tf.fill([10_000], 0.5);
  const time = async (name: string, f: () => tf.Tensor, n = 30) => {
    for (let i = 0; i < 3; i++) { const y = f(); await y.data(); y.dispose(); }
    const t0 = performance.now();
    for (let i = 0; i < n; i++) { const y = f(); if (i === n - 1) await y.data(); y.dispose(); }
    console.log(name, ((performance.now() - t0) / n).toFixed(2), 'ms');
  };
  const h = tf.randomNormal([10000, 256]);
  const w = tf.randomNormal([256, 256]);
  const b = tf.zeros([256]);
  for (let rep = 0; rep < 2; rep++) {
    await time('sampleStep', () => sampleStep(model, x, 50, 100, rng));
    await time('model.apply', () => model.apply(x, t));
    await time('fused matmul 10000x256x256', () => tf.fused.matMul({ a: h as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }));
    await time('silu 10000x256', () => silu(h));
    await time('rng.normal 10000x2', () => rng.normal([10000, 2]));
  }
}
void main();
