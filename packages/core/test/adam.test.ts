// adam(): tf.train.adam with each variable's step fused into one kernel on wasm. Same bits as tfjs's optimizer
// (native and WebAssembly-less JS paths), same state and weights, flat memory, clear errors.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, adam, nativeKernelsStatus, setNativeKernels } from '../src/index.js';
import { resetNativeKernels } from '../src/native/nativeKernels.js';
import { ADAM } from '../src/wasm/kernels/Adam.js';

/** Trains two variables (one with 1 003 values: a vector tail) for `steps` steps; returns values and optimizer state. */
async function train(make: () => tf.Optimizer, steps: number, prefix: string): Promise<Float32Array[]> {
  const rng = new Rng(4);
  const a = tf.variable(tf.tensor(rng.normalArray(1003), [1003]), true, `${prefix}a`);
  const b = tf.variable(tf.tensor(rng.normalArray(12), [3, 4]), true, `${prefix}b`);
  const target = tf.tensor(rng.normalArray(1003), [1003]);
  const opt = make();
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.add(tf.sum(tf.square(tf.sub(tf.mul(a, 1 + i), target))), tf.sum(tf.sin(b))) as tf.Scalar);
  }
  const state = (await opt.getWeights()).map((w) => w.tensor.dataSync() as Float32Array);
  const out = [a.dataSync() as Float32Array, b.dataSync() as Float32Array, ...state];
  tf.dispose([a, b, target]);
  opt.dispose();
  return out;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(async () => {
  resetNativeKernels();
  await tf.setBackend('cpu');
});

for (const code of ['JavaScript', 'native'] as const) {
  const suite = code === 'JavaScript' || nativeKernelsStatus().active ? describe : describe.skip;
  suite(`adam() on wasm (${code} step)`, () => {
    beforeAll(() => setNativeKernels(code === 'native'));

    it('gives the same bits as tf.train.adam: values, moments and iteration count', async () => {
      const ours = await train(() => adam(0.01, 0.8, 0.99, 1e-7), 7, `${code}-ours-`);
      const theirs = await train(() => tf.train.adam(0.01, 0.8, 0.99, 1e-7), 7, `${code}-theirs-`);
      expect(ours).toHaveLength(theirs.length);
      ours.forEach((x, i) => expect(x).toEqual(theirs[i]));
      // it trained: the first variable moved
      expect(ours[0]).not.toEqual(new Rng(4).normalArray(1003));
    });

    it('uses one kernel per variable, and keeps the tensor count flat', async () => {
      const w = tf.variable(tf.ones([10]));
      const opt = adam();
      const step = () => opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
      step();
      const info = await tf.profile(() => {
        step();
      });
      const names = info.kernels.map((k) => k.name);
      expect(names.filter((n) => n === ADAM)).toHaveLength(1);
      expect(names).not.toContain('Sqrt');
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      w.dispose();
      opt.dispose();
    });
  });
}

describe('adam()', () => {
  it('continues from tf.train.adam weights (a checkpoint) to the same bits', async () => {
    const rng = new Rng(8);
    const init = rng.normalArray(20);
    const run = async (second: () => tf.AdamOptimizer) => {
      const w = tf.variable(tf.tensor(init), true, `resume-${Math.random()}`);
      const loss = () => tf.sum(tf.square(tf.sub(w, 1))) as tf.Scalar;
      const first = tf.train.adam(0.05);
      for (let i = 0; i < 3; i++) first.minimize(loss);
      const saved = await first.getWeights();
      const next = second();
      // rename the moments to this variable (they are stored by name)
      await next.setWeights(saved);
      for (let i = 0; i < 3; i++) next.minimize(loss);
      const out = w.dataSync() as Float32Array;
      w.dispose();
      first.dispose();
      next.dispose();
      return out;
    };
    expect(await run(() => adam(0.05))).toEqual(await run(() => tf.train.adam(0.05)));
  });

  it('is an AdamOptimizer with the same class name, so checkpoints record it as Adam', () => {
    const opt = adam();
    expect(opt).toBeInstanceOf(tf.AdamOptimizer);
    expect((opt.constructor as unknown as { className: string }).className).toBe('Adam');
    expect(opt.getConfig()).toEqual(tf.train.adam().getConfig());
    opt.dispose();
  });

  it('refuses bad hyperparameters, naming them', () => {
    expect(() => adam(Number.NaN)).toThrow(/learningRate must be a finite number/);
    expect(() => adam(0.001, 1)).toThrow(/beta1 and beta2 must lie in \[0, 1\), got 1 and 0.999/);
    expect(() => adam(0.001, 0.9, 0.999, -1)).toThrow(/epsilon must be a non-negative number/);
  });
});
