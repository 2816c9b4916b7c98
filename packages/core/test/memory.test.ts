// A training loop of the kind every scorekit package runs — Adam on a small SiLU MLP, each step in tf.tidy, with
// a checkpoint written and read back now and then — must hold the number of live tensors flat on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends } from '@scorekit/test-utils';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { Rng, silu } from '../src/index.js';
import { loadTensors, saveTensors } from '../src/node.js';

describeOnBackends('memory', (backend) => {
  it('300 Adam steps on a SiLU MLP, with checkpoints, keep tf.memory().numTensors flat', async () => {
    const rng = new Rng(11);
    const n = 64;
    const x = rng.uniform([n, 2], -1, 1);
    const y = tf.tidy(() => {
      const [x0, x1] = tf.split(x, 2, 1);
      return tf.add(tf.sin(tf.mul(x0, 2)), tf.mul(tf.square(x1), 0.5));
    });
    const init = (shape: number[], fanIn: number) => tf.variable(tf.tidy(() => tf.mul(rng.normal(shape), 1 / Math.sqrt(fanIn))));
    const params: Record<string, tf.Variable> = {
      w1: init([2, 32], 2),
      b1: tf.variable(tf.zeros([32])),
      w2: init([32, 32], 32),
      b2: tf.variable(tf.zeros([32])),
      w3: init([32, 1], 32),
      b3: tf.variable(tf.zeros([1])),
    };
    const forward = () => {
      const h1 = silu(tf.add(tf.matMul(x, params.w1), params.b1));
      const h2 = silu(tf.add(tf.matMul(h1, params.w2), params.b2));
      return tf.add(tf.matMul(h2, params.w3), params.b3);
    };
    const optimizer = tf.train.adam(1e-2);
    const step = () =>
      tf.tidy(() => {
        const cost = optimizer.minimize(() => tf.losses.meanSquaredError(y, forward()) as tf.Scalar, true);
        return cost!.dataSync()[0];
      });

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scorekit-mem-'));
    const file = path.join(dir, 'ckpt.safetensors');
    const losses: number[] = [step()]; // the first step creates Adam's moment slots: 2 per variable
    const baseline = tf.memory().numTensors;
    const counts: number[] = [];
    for (let s = 1; s < 300; s++) {
      losses.push(step());
      if (s % 100 === 0) {
        await saveTensors(file, params, { step: s });
        const { tensors } = await loadTensors(file);
        for (const [name, v] of Object.entries(params)) v.assign(tensors[name]);
        tf.dispose(tensors);
      }
      if (s % 25 === 0) counts.push(tf.memory().numTensors);
    }
    expect(counts).toEqual(counts.map(() => baseline));
    // The loop really trained (so the steps did the work whose memory we count): the fit improves many-fold.
    // Seeded, so deterministic; the margin is wide (observed ratios are far below 0.2 on both backends).
    expect(losses[299], `${backend}: loss ${losses[0]} → ${losses[299]}`).toBeLessThan(0.2 * losses[0]);

    optimizer.dispose();
    tf.dispose([x, y, ...Object.values(params)]);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
