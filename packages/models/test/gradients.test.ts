import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { VpSde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectClose } from '@scorekit/test-utils';
import { describe, expect, it } from 'vitest';
import { createNetwork, createScoreModel, type Network, type NetworkConfig } from '../src/index.js';
import { onBackend, randomizeWeights } from './helpers.js';

// Tiny versions of every model kind; each loss exercises labels, dropout and attention where the model has them.
const MODELS: { name: string; config: NetworkConfig; shape: number[]; classes?: number }[] = [
  { name: 'mlp (sinusoidal)', config: { name: 'mlp', dim: 3, width: 16, depth: 2, embeddingDim: 8 }, shape: [4, 3] },
  {
    name: 'mlp (Fourier, conditional)',
    config: { name: 'mlp', dim: 2, width: 16, depth: 2, embeddingDim: 8, embedding: 'fourier', numClasses: 3 },
    shape: [4, 2],
    classes: 3,
  },
  {
    name: 'unet (attention, dropout, conditional)',
    config: { name: 'unet', imageSize: 8, channels: 2, nf: 8, chMult: [1, 2], numResBlocks: 1, dropout: 0.2, numClasses: 2 },
    shape: [2, 8, 8, 2],
    classes: 2,
  },
  { name: 'energy (scalar mlp)', config: { name: 'energy', network: { name: 'mlp', dim: 2, width: 16, depth: 2, embeddingDim: 8, outputDim: 1 } }, shape: [4, 2] },
  {
    name: 'energy (quadratic unet)',
    config: { name: 'energy', network: { name: 'unet', imageSize: 4, channels: 1, nf: 8, chMult: [1, 1], dropout: 0 } },
    shape: [2, 4, 4, 1],
  },
];

/** A weighted sum of the output: a loss whose gradient touches every parameter and depends on the output's values. */
function lossFn(net: Network, shape: number[], seed: number, classes?: number): () => tf.Scalar {
  const rng = new Rng(seed);
  const x = Array.from(rng.normalArray(shape.reduce((a, b) => a * b, 1)));
  const w = Array.from(rng.normalArray(shape.reduce((a, b) => a * b, 1)));
  const c = Array.from(rng.uniformArray(shape[0], 0, 999));
  const labels = classes ? Array.from({ length: shape[0] }, (_, i) => i % (classes + 1)) : undefined;
  return () =>
    tf.tidy(() => {
      const out = net.apply(tf.tensor(x, shape), tf.tensor1d(c), {
        training: true,
        rng: new Rng(seed + 1), // same dropout masks on every call and backend
        labels: labels ? tf.tensor1d(labels, 'int32') : undefined,
      });
      return tf.sum(tf.mul(out, tf.tensor(w, shape))) as tf.Scalar;
    });
}

function gradients(net: Network, loss: () => tf.Scalar): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, net.trainableVariables());
    // A variable the loss does not depend on gets no entry (e.g. the output bias of a scalar energy: −∇ₓE
    // ignores it); its gradient is zero.
    const byName = net.trainableVariables().map((v) => (grads[v.name]?.dataSync() as Float32Array) ?? new Float32Array(v.size));
    return { loss: value.dataSync()[0], grads: byName };
  });
}

describe('gradients through every model agree on wasm and cpu', () => {
  for (const m of MODELS) {
    it(m.name, async () => {
      await tf.setBackend('cpu');
      const net = createNetwork(m.config, { rng: new Rng(1) });
      randomizeWeights(net, 2, 0.3);
      const loss = lossFn(net, m.shape, 3, m.classes);
      const cpu = await onBackend('cpu', () => gradients(net, loss));
      const wasm = await onBackend('wasm', () => gradients(net, loss));
      // Same float32 maths with different summation orders (XNNPACK vs the JS kernels): relative agreement to
      // ~1e-4 of each gradient's scale. Energy models go through a second derivative, hence the looser 1e-3.
      const tol = m.config.name === 'energy' ? 1e-3 : 1e-4;
      // The comparison is not vacuous: every variable gets a non-zero gradient, except the output bias of the
      // scalar (MLP) energy, which −∇ₓE ignores.
      expect(wasm.grads).toHaveLength(cpu.grads.length);
      const untouched = cpu.grads.filter((g) => g.every((v) => v === 0)).length;
      expect(untouched).toBe(m.name === 'energy (scalar mlp)' ? 1 : 0);
      expectClose(wasm.loss, cpu.loss, tol * Math.abs(cpu.loss) + 1e-5, 0, 'loss');
      // A gradient that is zero in exact arithmetic (an attention key bias: softmax ignores a shift shared by a
      // row) is float32 noise left by cancelling terms as large as the other gradients, so its absolute floor is
      // 1e-6 of the largest gradient rather than of its own.
      const floor = 1e-6 * Math.max(1, ...cpu.grads.map((g) => Math.max(...g.map(Math.abs))));
      cpu.grads.forEach((g, i) => {
        const scale = Math.max(...g.map(Math.abs));
        expectAllClose(wasm.grads[i], g, tol * scale + floor, tol);
      });
      net.dispose();
    });
  }
});

describeOnBackends('gradients match finite differences', () => {
  for (const m of MODELS) {
    it(m.name, () => {
      const net = createNetwork(m.config, { rng: new Rng(1) });
      randomizeWeights(net, 2, 0.3);
      const loss = lossFn(net, m.shape, 3, m.classes);
      // Directional derivative along a random parameter direction u: Σ⟨∂L/∂θ, u⟩ vs (L(θ+hu) − L(θ−hu))/2h.
      const rng = new Rng(9);
      const dirs = net.trainableVariables().map((v) => rng.normalArray(v.size));
      const { grads } = gradients(net, loss);
      const analytic = grads.reduce((acc, g, i) => acc + g.reduce((a, gi, j) => a + gi * dirs[i][j], 0), 0);
      const base = net.trainableVariables().map((v) => tf.clone(v));
      const shift = (h: number) =>
        net.trainableVariables().forEach((v, i) => v.assign(tf.tidy(() => tf.add(base[i], tf.mul(tf.tensor(dirs[i], v.shape), h)))));
      const h = 1e-3;
      shift(h);
      const up = tf.tidy(() => loss().dataSync()[0]);
      shift(-h);
      const down = tf.tidy(() => loss().dataSync()[0]);
      shift(0);
      tf.dispose(base);
      // float32 losses of size |L| ≲ 100: rounding ~|L|·1e-7/h ≈ 1e-2 absolute; truncation O(h²). 2% relative
      // plus that absolute slack.
      expectClose(analytic, (up - down) / (2 * h), 2e-2 + 1e-4 * Math.abs(up) / h, 2e-2, 'directional derivative');
      net.dispose();
    });
  }

  it('score models train through every parameterisation (gradient reaches the network)', () => {
    const net = createNetwork({ name: 'mlp', dim: 2, width: 8, depth: 1, embeddingDim: 8 });
    for (const parameterisation of ['score', 'eps', 'x0', 'v', 'edm'] as const) {
      const model = createScoreModel(net, new VpSde(), { name: parameterisation });
      const { grads } = tf.tidy(() =>
        tf.variableGrads(() => tf.sum(tf.square(model.predict(tf.ones([3, 2]), tf.tensor1d([0.1, 0.5, 0.9])).raw)) as tf.Scalar, net.trainableVariables()),
      );
      const norm = Object.values(grads).reduce((a, g) => a + tf.sum(tf.square(g)).dataSync()[0], 0);
      tf.dispose(Object.values(grads));
      if (!(norm > 0)) throw new Error(`${parameterisation}: zero gradient`);
    }
    net.dispose();
  });
});
