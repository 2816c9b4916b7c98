// Deep EBM on a 2D Gaussian mixture: the same energy network (scorekit's `createEnergyNetwork`, MLP 2→64→64→1,
// SiLU) trained two ways from the same initial weights —
//   CD:  contrastive divergence with short-run Langevin (K steps) and a replay buffer (Du & Mordatch 2019),
//   SM:  exact (Hyvärinen) score matching of s = −∇E (@scorekit/objectives),
// then judged two ways:
//   - without a sampler: the model normalised on the box [−4, 4]² by quadrature on a 200×200 grid (2D allows it),
//     and its mean log-likelihood of held-out exact samples (the true mixture's own value is the ceiling);
//   - through a sampler: the same long-run Langevin chains (η 0.01, 1,500 steps, from uniform noise over the box)
//     on each energy; energy distance of the samples to exact mixture samples (0 iff equal in distribution) and
//     their mean log-density under the true mixture. The same sampler on the exact energy is the sampler's floor.
// Figures go into the README (pnpm bench).
import * as tf from '@tensorflow/tfjs-core';
import { Rng, selectBackend } from '@scorekit/core';
import { GaussianMixture } from '@scorekit/data';
import { createEnergyNetwork } from '@scorekit/models';
import { exactScoreMatchingLoss } from '@scorekit/objectives';
import { EbmTrainer, shortRunLangevin, type EnergyFunction } from '../src/index.js';
import os from 'node:os';

const STEPS = Number(process.env.BENCH_STEPS ?? 800);
const N = Number(process.env.BENCH_N ?? 1000);
const BOX = 4;

const choice = await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'cpu' | 'wasm' | undefined) ?? 'wasm' });
void choice;
const mixture = new GaussianMixture({
  weights: [0.4, 0.3, 0.2, 0.1],
  means: [[-1.5, -1.5], [1.5, -1.5], [-1.5, 1.5], [1.5, 1.5]],
  stds: [0.6, 0.6, 0.6, 0.6],
});

/** Energy distance 2E‖X−Y‖ − E‖X−X'‖ − E‖Y−Y'‖ (V-statistic over all pairs). */
function energyDistance(x: Float32Array, y: Float32Array): number {
  const mean = (a: Float32Array, b: Float32Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i += 2) for (let j = 0; j < b.length; j += 2) s += Math.hypot(a[i] - b[j], a[i + 1] - b[j + 1]);
    return s / ((a.length / 2) * (b.length / 2));
  };
  return 2 * mean(x, y) - mean(x, x) - mean(y, y);
}

function quality(samples: tf.Tensor, reference: Float32Array) {
  const s = samples.dataSync() as Float32Array;
  const logp = tf.tidy(() => tf.mean(mixture.logProb(samples)).dataSync()[0]);
  // Share of samples per quadrant, in the order of the mixture's components (weights 0.4/0.3/0.2/0.1).
  const quadrants = [0, 0, 0, 0];
  for (let i = 0; i < s.length; i += 2) quadrants[(s[i] > 0 ? 1 : 0) + (s[i + 1] > 0 ? 2 : 0)] += 2 / s.length;
  return { ed: energyDistance(s, reference), logp, quadrants };
}

/** Mean log-likelihood of `x` under e^{−E}/Z with Z = ∫_box e^{−E} by the midpoint rule on a G×G grid. */
function heldOutLogLikelihood(energy: EnergyFunction, x: tf.Tensor, grid = 200): number {
  return tf.tidy(() => {
    const h = (2 * BOX) / grid;
    const axis = Array.from({ length: grid }, (_, i) => -BOX + (i + 0.5) * h);
    const points = tf.tensor2d(axis.flatMap((a) => axis.flatMap((b) => [a, b])), [grid * grid, 2]);
    const logZ = tf.add(tf.logSumExp(tf.neg(energy(points))), Math.log(h * h));
    return tf.sub(tf.neg(tf.mean(energy(x))), logZ).dataSync()[0];
  });
}

/** Long-run Langevin (noise √(2η): unbiased up to O(η)) from uniform noise over the box. */
function langevinSamples(energy: EnergyFunction, seed: number, steps = 1500, eta = 0.01): tf.Tensor {
  const rng = new Rng(seed);
  const x0 = rng.uniform([N, 2], -BOX, BOX);
  const x = shortRunLangevin(energy, x0, { rng, steps, stepSize: eta, clip: [-BOX, BOX] });
  x0.dispose();
  return x;
}

const makeNet = () =>
  createEnergyNetwork(
    { name: 'energy', network: { name: 'mlp', dim: 2, outputDim: 1, width: 64, depth: 2, activation: 'silu' } },
    { rng: new Rng(10) },
  );
const energyOf = (net: ReturnType<typeof makeNet>): EnergyFunction => (x) => tf.tidy(() => net.energy(x, tf.zeros([x.shape[0]])));

const reference = mixture.sample(N, new Rng(1));
const referenceValues = reference.dataSync() as Float32Array;
const rows: string[] = [];
const heldOut = mixture.sample(N, new Rng(5));
const row = (label: string, ll: number | null, q: ReturnType<typeof quality>, seconds: number) =>
  rows.push(
    `| ${label} | ${ll === null ? '—' : ll.toFixed(3)} | ${q.ed.toFixed(4)} | ${q.logp.toFixed(3)} | ` +
      `${q.quadrants.map((w) => w.toFixed(2)).join(' / ')} | ${seconds.toFixed(0)} |`,
  );

// Floors: a second exact sample, and the same Langevin sampler run on the exact energy −log p.
{
  const other = mixture.sample(N, new Rng(2));
  const trueLl = tf.tidy(() => tf.mean(mixture.logProb(heldOut)).dataSync()[0]);
  row('the true mixture (exact samples: floors at this n)', trueLl, quality(other, referenceValues), 0);
  other.dispose();
  const exactEnergy: EnergyFunction = (x) => tf.neg(mixture.logProb(x));
  const t0 = Date.now();
  const s = langevinSamples(exactEnergy, 3);
  row('the true mixture, sampled by the Langevin chains', null, quality(s, referenceValues), (Date.now() - t0) / 1000);
  s.dispose();
}

for (const method of ['cd', 'sm'] as const) {
  const net = makeNet();
  const energy = energyOf(net);
  const rng = new Rng(20);
  const optimizer = tf.train.adam(1e-3);
  const dataRng = new Rng(30);
  const t0 = Date.now();
  const trainer =
    method === 'cd'
      ? new EbmTrainer({
          energy,
          variables: net.trainableVariables(),
          optimizer,
          rng,
          langevin: { steps: 10, stepSize: 0.02, clip: [-BOX, BOX] },
          init: (m, r) => r.uniform([m, 2], -BOX, BOX),
          buffer: { sampleShape: [2] },
          regularization: 0.1,
        })
      : null;
  for (let step = 0; step < STEPS; step++) {
    const batch = mixture.sample(128, dataRng);
    if (trainer) trainer.step(batch);
    else {
      const score = (x: tf.Tensor) => net.apply(x, tf.zeros([x.shape[0]]));
      const cost = optimizer.minimize(() => exactScoreMatchingLoss(score, batch, rng), true, net.trainableVariables());
      cost?.dispose();
    }
    batch.dispose();
  }
  const trainSeconds = (Date.now() - t0) / 1000;
  const s = langevinSamples(energy, 4);
  const label = `${method === 'cd' ? 'CD (short-run Langevin K = 10, replay buffer)' : 'exact score matching'}, ${STEPS} steps`;
  row(label, heldOutLogLikelihood(energy, heldOut), quality(s, referenceValues), trainSeconds);
  s.dispose();
  optimizer.dispose();
  net.dispose();
}
tf.dispose([reference, heldOut]);

console.log(`backend ${tf.getBackend()}, n = ${N}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| energy | held-out log-likelihood (nats) | energy distance of samples | mean log p(samples) | samples per mode | train s |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
