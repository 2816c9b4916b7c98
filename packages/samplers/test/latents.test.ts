import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { VeSde, VpSde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { decode, encode, interpolate, slerp } from '../src/index.js';
import { target } from './fixtures.js';

describeOnBackends('ODE latents', () => {
  for (const sde of [new VpSde(), new VeSde({ sigmaMax: 10 })]) {
    it(`${sde.name}: encode → decode returns the input`, async () => {
      const x = target.sample(100, new Rng(1));
      const score = target.scoreFn(sde);
      const { latents, nfe } = await encode(x, { score, sde });
      const back = await decode(latents, { score, sde });
      // RK45 at rtol = atol = 1e-5 each way in float32: 1e-3 absolute on O(1) data (measured ≈ 2e-4).
      expectAllClose(back.samples, x, 1e-3);
      expect(nfe).toBeGreaterThan(10);
      // The latents follow the prior: unit-scale (times σ_max on VE) standard deviation within 15% for 200 values.
      const std = tf.sqrt(tf.moments(latents).variance).dataSync()[0];
      expectClose(std, sde.name === 've' ? 10 : 1, 0.15 * (sde.name === 've' ? 10 : 1), 0, 'latent std');
      tf.dispose([x, latents, back.samples]);
    });
  }

  it('slerp returns its ends at 0 and 1 and keeps the norm between orthogonal latents', () => {
    const z0 = tf.tensor2d([[3, 0, 0], [1, 2, 2]]);
    const z1 = tf.tensor2d([[0, 3, 0], [2, 1, -2]]);
    expectAllClose(slerp(z0, z1, 0), z0, 1e-6);
    expectAllClose(slerp(z0, z1, 1), z1, 1e-5);
    // Orthogonal, equal norms 3: the midpoint is (z0 + z1)/√2.
    expectAllClose(slerp(z0, z1, 0.5), tf.div(tf.add(z0, z1), Math.SQRT2), 1e-5);
    // Parallel latents fall back to linear interpolation.
    expectAllClose(slerp(z0, tf.mul(z0, 2), 0.5), tf.mul(z0, 1.5), 1e-5);
    expect(() => slerp(z0, tf.zeros([3, 3]), 0.5)).toThrow(/same shape/);
  });

  it('interpolate starts at x0 and ends at x1', async () => {
    const sde = new VpSde();
    const score = target.scoreFn(sde);
    const x0 = target.sample(3, new Rng(2));
    const x1 = target.sample(3, new Rng(3));
    const { path } = await interpolate(x0, x1, 5, { score, sde, method: 'rk45' });
    expect(path.shape).toEqual([5, 3, 2]);
    // Same round-trip tolerance as encode → decode.
    expectAllClose(tf.reshape(tf.slice(path, [0, 0, 0], [1, 3, 2]), [3, 2]), x0, 1e-3);
    expectAllClose(tf.reshape(tf.slice(path, [4, 0, 0], [1, 3, 2]), [3, 2]), x1, 1e-3);
    tf.dispose([x0, x1, path]);
  });

  it('does not leak tensors', async () => {
    const sde = new VpSde();
    const score = target.scoreFn(sde);
    const x = target.sample(4, new Rng(4));
    await expectNoTensorLeak(async () => {
      const { latents } = await encode(x, { score, sde, method: 'heun', steps: 4 });
      const { samples } = await decode(latents, { score, sde, method: 'rk45', rtol: 1e-3, atol: 1e-3 });
      const { path } = await interpolate(x, x, 2, { score, sde, method: 'euler', steps: 3 });
      tf.dispose([latents, samples, path]);
    });
    x.dispose();
  });
});
