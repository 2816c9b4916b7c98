// A small tour without the CLI (run: npx tsx --conditions=source examples/hopfieldAndRbm.ts):
// a Hopfield network completes a corrupted memory, the modern update retrieves one in a single step, and a tiny
// RBM trained by persistent CD is compared with its exact log-likelihood.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, selectBackend } from '@scorekit/core';
import { HopfieldNetwork, Rbm, RbmTrainer, modernHopfieldUpdate, rbmExactLogLikelihood } from '../src/index.js';

await selectBackend({ backend: 'cpu' });
const rng = new Rng(0);

// Classical Hopfield: 10 random ±1 patterns in 200 units (load 0.05 < 0.138), one memory with 30 bits flipped.
const n = 200;
const patterns = tf.tensor2d(new Float32Array(10 * n).map(() => (rng.nextFloat() < 0.5 ? -1 : 1)), [10, n]);
const net = HopfieldNetwork.hebbian(patterns);
const memory = tf.slice(patterns, [0, 0], [1, n]).dataSync();
const corrupted = Float32Array.from(memory);
for (const i of rng.permutation(n).subarray(0, 30)) corrupted[i] *= -1;
const start = tf.tensor2d(corrupted, [1, n]);
const { states, iterations } = net.recall(start, { rng });
const overlap = (a: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * memory[i], 0) / n;
console.log(`Hopfield: overlap ${overlap(corrupted).toFixed(2)} → ${overlap(states.dataSync()).toFixed(2)} in ${iterations} sweeps; ` +
  `energy ${net.energy(start).dataSync()[0].toFixed(2)} → ${net.energy(states).dataSync()[0].toFixed(2)}`);

// Modern Hopfield: the same corrupted memory as a query, β = 0.5, one step.
const retrieved = modernHopfieldUpdate(patterns, start, 0.5);
console.log(`modern Hopfield: overlap after one update ${overlap(retrieved.dataSync()).toFixed(3)}`);

// RBM: 8 visible, 4 hidden units, on 4 binary prototypes with 5% pixel noise; PCD-1, exact log-likelihood.
const prototypes = [[1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1], [1, 0, 1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1, 0, 1]];
const data = tf.tensor2d(Array.from({ length: 400 }, (_, i) => prototypes[i % 4].map((x) => (rng.nextFloat() < 0.05 ? 1 - x : x))));
const rbm = Rbm.create(8, 4, { rng });
const trainer = new RbmTrainer(rbm, { rng, k: 1, persistent: true, chains: 100, learningRate: 0.3 });
for (let step = 0; step <= 600; step++) {
  if (step % 200 === 0) console.log(`RBM step ${step}: exact log-likelihood ${rbmExactLogLikelihood(rbm, data).dataSync()[0].toFixed(3)} nats`);
  trainer.step(data);
}
trainer.dispose();
const sample = rbm.gibbs(tf.zeros([4, 8]) as tf.Tensor2D, 200, rng);
console.log('RBM Gibbs samples:', sample.arraySync().map((r) => r.join('')).join(' '));
