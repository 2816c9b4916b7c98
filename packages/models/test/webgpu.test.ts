// The models' forward pass and gradients on the WebGPU backend in Node (tfjs-backend-webgpu over the npm `webgpu`
// package: Dawn, here on Mesa's software OpenGL ES), against cpu. Runs where `webgpu` is installed (a dev
// dependency of core in this repo, so always in CI, which installs Mesa's EGL/GLES libraries); elsewhere skipped.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, selectBackend } from '@scorekit/core';
import { expectAllClose, expectClose } from '@scorekit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { createNetwork, type Network, type NetworkConfig } from '../src/index.js';
import { randomizeWeights } from './helpers.js';

const hasDawn = (() => {
  try {
    createRequire(createRequire(import.meta.url).resolve('@scorekit/core')).resolve('webgpu');
    return true;
  } catch {
    return false;
  }
})();

// Every kernel the models use: dense layers and the Fourier embedding, class embeddings (gather, and its
// gradient's segment sum), strided convolutions and both their gradients, GroupNorm, attention (at the lowest
// resolution, by default: batched products, softmax), nearest-neighbour upsampling, dropout, and a second derivative
// through the energy U-Net. Kept to 4 × 4 images: on Mesa's software driver each new shader costs seconds.
const MODELS: { name: string; config: NetworkConfig; shape: number[]; classes?: number }[] = [
  {
    name: 'mlp (Fourier, conditional)',
    config: { name: 'mlp', dim: 2, width: 16, depth: 2, embeddingDim: 8, embedding: 'fourier', numClasses: 3 },
    shape: [4, 2],
    classes: 3,
  },
  {
    name: 'energy (quadratic unet: attention, dropout, conditional)',
    config: { name: 'energy', network: { name: 'unet', imageSize: 4, channels: 1, nf: 8, chMult: [1, 1], dropout: 0.2, numClasses: 2 } },
    shape: [2, 4, 4, 1],
    classes: 2,
  },
];

/** The loss (a weighted sum of the output) and its gradient for every trainable variable, read back as arrays. */
async function lossAndGradients(net: Network, shape: number[], seed: number, classes?: number): Promise<{ loss: number; grads: Float32Array[] }> {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const x = rng.normalArray(size);
  const w = rng.normalArray(size);
  const c = rng.uniformArray(shape[0], 0, 999);
  const labels = classes ? Array.from({ length: shape[0] }, (_, i) => i % (classes + 1)) : undefined;
  const loss = () =>
    tf.tidy(() => {
      const out = net.apply(tf.tensor(x, shape), tf.tensor1d(c), {
        training: true,
        rng: new Rng(seed + 1), // the same dropout masks on both backends
        labels: labels ? tf.tensor1d(labels, 'int32') : undefined,
      });
      return tf.sum(tf.mul(out, tf.tensor(w, shape))) as tf.Scalar;
    });
  const { value, grads } = tf.variableGrads(loss, net.trainableVariables());
  // WebGPU reads back asynchronously only.
  const result = {
    loss: (await value.data())[0],
    grads: await Promise.all(net.trainableVariables().map(async (v) => (grads[v.name] ? ((await grads[v.name].data()) as Float32Array) : new Float32Array(v.size)))),
  };
  tf.dispose([value, grads]);
  return result;
}

afterAll(async () => {
  await tf.setBackend('cpu');
  // A live WebGPU device keeps Node's event loop alive: free it.
  if (tf.findBackend('webgpu') != null) tf.removeBackend('webgpu');
});

describe.skipIf(!hasDawn)('models on WebGPU in Node agree with cpu', () => {
  it('selectBackend finds the WebGPU adapter', async () => {
    const choice = await selectBackend({ backend: 'webgpu', report: false });
    expect([choice.name, choice.provider, tf.getBackend()]).toEqual(['webgpu', '@tensorflow/tfjs-backend-webgpu', 'webgpu']);
  });

  for (const m of MODELS) {
    it(m.name, async () => {
      await tf.setBackend('cpu');
      const net = createNetwork(m.config, { rng: new Rng(1) });
      randomizeWeights(net, 2, 0.3);
      const cpu = await lossAndGradients(net, m.shape, 3, m.classes);
      await selectBackend({ backend: 'webgpu', report: false });
      const gpu = await lossAndGradients(net, m.shape, 3, m.classes);
      // Same float32 maths in other summation orders and with the GPU's exp/log: relative agreement to 1e-4 of
      // each gradient's scale (as wasm against cpu), 1e-3 through the energy model's second derivative; the
      // absolute floor covers gradients that are zero in exact arithmetic (see gradients.test.ts).
      const tol = m.config.name === 'energy' ? 1e-3 : 1e-4;
      expectClose(gpu.loss, cpu.loss, tol * Math.abs(cpu.loss) + 1e-5, 0, 'loss');
      const floor = 1e-6 * Math.max(1, ...cpu.grads.map((g) => Math.max(...g.map(Math.abs))));
      expect(gpu.grads).toHaveLength(cpu.grads.length);
      cpu.grads.forEach((g, i) => expectAllClose(gpu.grads[i], g, tol * Math.max(...g.map(Math.abs)) + floor, tol));
      await tf.setBackend('cpu');
      net.dispose();
    });
  }
});
