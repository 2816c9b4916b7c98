// Hopfield capacity (pnpm bench): a Hebbian network of N binary units stores P = αN random patterns; each of up
// to 40 stored patterns, with 10% of its bits flipped, is run by asynchronous updates to a fixed point. Reported
// per load α: the fraction recalled exactly, the fraction recalled with overlap m ≥ 0.97 (≤ 1.5% wrong bits, the
// retrieval quality at the critical load α_c ≈ 0.138 of Amit, Gutfreund & Sompolinsky 1985), the mean final
// overlap, and the fraction of stored bits that are not fixed (against the exact binomial probability).
import * as tf from '@tensorflow/tfjs-core';
import { Rng, selectBackend } from '@scorekit/core';
import os from 'node:os';
import { HopfieldNetwork } from '../src/index.js';

const N = Number(process.env.BENCH_N ?? 400);
const LOADS = [0.05, 0.08, 0.1, 0.12, 0.138, 0.15, 0.18, 0.22, 0.3];
const FLIP = 0.1;
await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'cpu' | 'wasm' | undefined) ?? 'cpu' });

function exactUnstableProbability(n: number, p: number): number {
  const m = (n - 1) * (p - 1);
  let lf = 0;
  const logFact: number[] = [0];
  for (let i = 1; i <= m; i++) logFact.push((lf += Math.log(i)));
  let total = 0;
  for (let b = 0; b < (m - n + 1) / 2; b++) total += Math.exp(logFact[m] - logFact[b] - logFact[m - b] - m * Math.LN2);
  return total;
}

console.log(`N = ${N}, ${FLIP * 100}% bits flipped, backend ${tf.getBackend()}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| α = P/N | P | recalled exactly | overlap ≥ 0.97 | mean overlap | unstable stored bits (exact) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const alpha of LOADS) {
  const rng = new Rng(Math.round(alpha * 1000));
  const p = Math.max(2, Math.round(alpha * N));
  const values = new Float32Array(p * N).map(() => (rng.nextFloat() < 0.5 ? -1 : 1));
  const patterns = tf.tensor2d(values, [p, N]);
  const net = HopfieldNetwork.hebbian(patterns);
  const unstable = tf.tidy(() => tf.mean(tf.cast(tf.notEqual(net.synchronousStep(patterns), patterns), 'float32')).dataSync()[0]);
  const tries = Math.min(p, 40);
  const corrupted = Float32Array.from(values.subarray(0, tries * N));
  for (let r = 0; r < tries; r++) {
    const order = rng.permutation(N);
    for (let i = 0; i < FLIP * N; i++) corrupted[r * N + order[i]] *= -1;
  }
  const start = tf.tensor2d(corrupted, [tries, N]);
  const { states } = net.recall(start, { rng, maxIterations: 50 });
  const s = states.dataSync();
  let exact = 0;
  let good = 0;
  let sum = 0;
  for (let r = 0; r < tries; r++) {
    let m = 0;
    for (let i = 0; i < N; i++) m += s[r * N + i] * values[r * N + i];
    m /= N;
    sum += m;
    if (m === 1) exact++;
    if (m >= 0.97) good++;
  }
  console.log(
    `| ${alpha} | ${p} | ${(exact / tries).toFixed(2)} | ${(good / tries).toFixed(2)} | ${(sum / tries).toFixed(3)} | ` +
      `${unstable.toFixed(4)} (${exactUnstableProbability(N, p).toFixed(4)}) |`,
  );
  tf.dispose([patterns, start, states]);
  net.dispose();
}
