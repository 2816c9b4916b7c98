// One training step (loss + weight gradients) of every objective on 2D data, batch 256, with a 2 → 64 → 64 → 2
// SiLU network (core's second-order-safe activation), on cpu and wasm. Run with `pnpm bench`.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, silu } from '@scorekit/core';
import { GaussianMixture } from '@scorekit/data';
import { DdpmSde, VeSde, VpSde, predictionFrom, tidyPrediction, timeCoefficients, type Sde } from '@scorekit/sde';
import { bench, describe } from 'vitest';
import { createObjective, type DenoiserModel, type ObjectiveConfig, type ScoreFunction } from '../src/index.js';

const data = new GaussianMixture({ weights: [0.6, 0.4], means: [[1, -0.5], [-1.5, 1]], stds: [0.5, 0.4] });

function network(): { apply: (x: tf.Tensor, c?: tf.Tensor) => tf.Tensor; variables: tf.Variable[] } {
  const rng = new Rng(0);
  const w1 = tf.variable(rng.normal([3, 64], 0, 0.5));
  const w2 = tf.variable(rng.normal([64, 64], 0, 0.15));
  const w3 = tf.variable(rng.normal([64, 2], 0, 0.15));
  const apply = (x: tf.Tensor, c?: tf.Tensor) =>
    tf.tidy(() => {
      const input = tf.concat([x, c ? tf.reshape(c, [-1, 1]) : tf.zerosLike(tf.slice(x, [0, 0], [-1, 1]))], 1);
      return tf.matMul(silu(tf.matMul(silu(tf.matMul(input, w1)), w2)), w3);
    });
  return { apply, variables: [w1, w2, w3] };
}

function denoiser(sde: Sde, apply: (x: tf.Tensor, c: tf.Tensor) => tf.Tensor): DenoiserModel {
  return {
    sde,
    predict: (x, t) =>
      tidyPrediction(() => {
        const { tVec, alpha, sigma } = timeCoefficients(sde, t, x);
        return predictionFrom('eps', apply(x, tVec), x, alpha, sigma);
      }),
  };
}

const configs: [ObjectiveConfig, Sde | null][] = [
  [{ name: 'exact-sm' }, null],
  [{ name: 'sliced-sm' }, null],
  [{ name: 'dsm', sigma: 0.1 }, null],
  [{ name: 'ncsn' }, new VeSde({ sigmaMax: 10 })],
  [{ name: 'ddpm' }, new DdpmSde()],
  [{ name: 'continuous-dsm' }, new VpSde()],
  [{ name: 'continuous-dsm', weighting: 'likelihood', importanceSampling: true }, new VpSde()],
  [{ name: 'continuous-dsm', weighting: 'none', importanceSampling: true, eps: 1e-3 }, new VpSde()],
  [{ name: 'edm' }, new VpSde()],
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`training step, batch 256 [${backend}]`, async () => {
    await tf.setBackend(backend);
    await tf.ready();
    const { apply, variables } = network();
    const x = data.sample(256, new Rng(1));
    const rng = new Rng(2);
    for (const [config, sde] of configs) {
      const objective = createObjective(config);
      const model = sde ? denoiser(sde, apply) : ((y: tf.Tensor) => apply(y)) as ScoreFunction;
      const label = `${config.name}${Object.keys(config).length > 1 ? ' ' + JSON.stringify({ ...config, name: undefined }) : ''}`;
      try {
        tf.dispose(objective.loss(model as never, x, new Rng(3)));
      } catch (e) {
        console.warn(`skipping ${label} on ${backend}: ${(e as Error).message}`);
        continue;
      }
      bench(
        label,
        async () => {
          await tf.setBackend(backend);
          const { value, grads } = tf.variableGrads(() => objective.loss(model as never, x, rng), variables);
          await value.data();
          tf.dispose([value, grads]);
        },
        { time: 1500, warmupIterations: 3 },
      );
    }
  });
}
