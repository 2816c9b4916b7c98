import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { createNetwork, ExponentialMovingAverage } from '../src/index.js';

describeOnBackends('ExponentialMovingAverage', () => {
  it('follows score_sde: shadow −= (1 − dₙ)(shadow − param), dₙ = min(d, (1 + n)/(10 + n))', () => {
    const net = createNetwork({ name: 'mlp', dim: 1, width: 2, depth: 1, embeddingDim: 4 });
    const params = net.trainableVariables();
    for (const warmup of [true, false]) {
      params.forEach((p) => p.assign(tf.zerosLike(p)));
      const ema = new ExponentialMovingAverage(net.variables, { decay: 0.9, warmup });
      // Hand computation in float64: every parameter is set to the same scalar sequence.
      const sequence = [1, 3, -2, 0.5, 4, 4, 4, -1, 2, 7, 0, 1];
      let shadow = 0;
      sequence.forEach((value, i) => {
        const n = i + 1;
        const d = warmup ? Math.min(0.9, (1 + n) / (10 + n)) : 0.9;
        expect(ema.nextDecay()).toBeCloseTo(d, 12);
        params.forEach((p) => p.assign(tf.fill(p.shape, value)));
        ema.update();
        shadow -= (1 - d) * (shadow - value);
      });
      expect(ema.numUpdates).toBe(sequence.length);
      // float32 accumulation over 12 updates of O(1) values: 1e-5.
      for (const { tensor } of ema.shadowWeights()) expectAllClose(tensor, new Array(tensor.size).fill(shadow), 1e-5);
      ema.dispose();
    }
    net.dispose();
  });

  it('swapIn puts the averages into the network and restore puts the training weights back', async () => {
    const net = createNetwork({ name: 'mlp', dim: 2, width: 4, depth: 1, embeddingDim: 4, embedding: 'fourier' });
    const ema = new ExponentialMovingAverage(net.variables, { decay: 0.5, warmup: false });
    const trained = net.trainableVariables().map((v) => tf.tidy(() => tf.add(v, 1)));
    net.trainableVariables().forEach((v, i) => v.assign(trained[i]));
    ema.update();
    const averaged = ema.shadowWeights().map(({ tensor }) => tensor.dataSync().slice());
    const x = tf.ones([1, 2]);
    const c = tf.ones([1]);
    const out = await ema.withAveraged(() => {
      net.trainableVariables().forEach((v, i) => expectAllClose(v, averaged[i], 0));
      return net.apply(x, c);
    });
    net.trainableVariables().forEach((v, i) => expectAllClose(v, trained[i], 0));
    // The fixed Fourier frequencies are not averaged.
    expect(ema.shadowWeights().map((w) => w.name)).not.toContain('temb/fourier/frequencies');
    expect(() => ema.restore()).toThrow(/nothing to restore/);
    ema.swapIn();
    expect(() => ema.update()).toThrow(/call restore\(\) first/);
    ema.restore();
    tf.dispose([...trained, x, c, out]);
    ema.dispose();
    net.dispose();
  });

  it('updates leak no tensors', async () => {
    const net = createNetwork({ name: 'mlp', dim: 2, width: 4, depth: 1, embeddingDim: 4 });
    const ema = new ExponentialMovingAverage(net.variables);
    await expectNoTensorLeak(() => {
      for (let i = 0; i < 3; i++) ema.update();
      ema.swapIn();
      ema.restore();
    });
    ema.dispose();
    net.dispose();
  });

  it('rejects a decay outside [0, 1]', () => {
    expect(() => new ExponentialMovingAverage([], { decay: 1.5 })).toThrow(/decay must be in \[0, 1\], got 1.5/);
  });
});
