import * as tf from '@tensorflow/tfjs-core';
import { GaussianMixture } from '@scorekit/data';
import { sample, type SampleConfig } from '@scorekit/samplers';
import { VpSde } from '@scorekit/sde';

/**
 * The runs compared between Node and the browser: one stochastic sampler (its noise comes from scorekit's seeded
 * Rng, so it is the same stream everywhere), one ODE solver and one multistep solver, on the exact score of a
 * two-component mixture under the VP SDE, so no weights are needed and every backend computes the same function.
 */
export const SAMPLER_CASES = {
  'euler-maruyama': { sampler: 'euler-maruyama', steps: 20 },
  ode: { sampler: 'ode', method: 'heun', steps: 10 },
  'dpm-solver++': { sampler: 'dpm-solver++', steps: 10 },
} as const;

export type SamplerCaseName = keyof typeof SAMPLER_CASES;
export const SAMPLER_CASE_NAMES = Object.keys(SAMPLER_CASES) as SamplerCaseName[];

const target = new GaussianMixture({
  weights: [0.65, 0.35],
  means: [[-0.6, 0.3], [0.9, -0.4]],
  covariances: [
    [[0.5, 0.2], [0.2, 0.35]],
    [[0.25, 0], [0, 0.45]],
  ],
});

/** Draws 64 points with seed 7 on the current tfjs backend and returns them row-major. */
export async function runSamplerCase(name: SamplerCaseName): Promise<Float32Array> {
  const sde = new VpSde();
  const config = { ...SAMPLER_CASES[name], score: target.scoreFn(sde), sde, shape: [64, 2], seed: 7 } as SampleConfig;
  const { samples } = await sample(config);
  const values = (await samples.data()) as Float32Array;
  samples.dispose();
  return values;
}

/** Tensors alive now: the page checks that a run leaves none behind. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
