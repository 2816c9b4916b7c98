import * as tf from '@tensorflow/tfjs';
import { Rng, selectBackend } from '@scorekit/core';
await selectBackend();
const rng = new Rng(1);
function bench(m: number, k: number, n: number, reps: number) {
  const a = tf.tensor2d(rng.normalArray(m * k), [m, k]);
  const b = tf.tensor2d(rng.normalArray(k * n), [k, n]);
  tf.matMul(a, b).dispose();
  const t = performance.now();
  for (let i = 0; i < reps; i++) tf.matMul(a, b).dispose();
  const s = (performance.now() - t) / 1000 / reps;
  a.dispose(); b.dispose();
  return (2 * m * k * n / s / 1e9).toFixed(1);
}
const out = [];
for (let r = 0; r < 4; r++) out.push(bench(1024, 1024, 1024, 5));
console.log(typeof WebAssembly.validate, out.join(' '));
