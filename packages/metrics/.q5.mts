import { Rng } from '@scorekit/core';
import { prdc } from './src/index.js';
import * as tf from '@tensorflow/tfjs'; await tf.setBackend(process.argv[2] ?? 'cpu'); await tf.ready();
const rng = new Rng(11); const d = 5;
const grid = (count: number) => Array.from({ length: count }, () => Array.from({ length: d }, () => rng.randint(0, 4) + 100));
const real = grid(1100), fake = grid(1030);
for (const m of ['float64','float32'] as const) { const t = performance.now(); prdc(real, fake, { k: 3, matmul: m }); console.log(m, (performance.now()-t).toFixed(0)); }
