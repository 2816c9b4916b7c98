import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { describe, expect, it } from 'vitest';
import { openTrainingData } from '../src/trainingData.js';

// loadMnist({ count: 10 }) holds one digit of each class, so a batch's labels name the rows it read.
async function rowsRead(shuffleSeed: number, batchSize: number, steps: number[]): Promise<number[][]> {
  const data = await openTrainingData({ name: 'mnist', count: 10 }, shuffleSeed);
  const rng = new Rng(0);
  return steps.map((step) =>
    tf.tidy(() => Array.from(data.next(batchSize, rng, true, step).labels!.dataSync())),
  );
}

describe('training data: image epochs', () => {
  it('reads every image once per epoch, in a new order each epoch, as a function of the step alone', async () => {
    const before = tf.memory().numTensors;
    // 4 images per step: steps 0–4 cover positions 0–19, i.e. epochs 0 and 1 (step 2 straddles them).
    const rows = (await rowsRead(7, 4, [0, 1, 2, 3, 4])).flat();
    const epoch0 = rows.slice(0, 10);
    const epoch1 = rows.slice(10, 20);
    const all = Array.from({ length: 10 }, (_, i) => i);
    expect([...epoch0].sort((a, b) => a - b)).toEqual(all);
    expect([...epoch1].sort((a, b) => a - b)).toEqual(all);
    // Two permutations of 10 agree with probability 1/10! ≈ 2.8e-7.
    expect(epoch1).not.toEqual(epoch0);
    // Resuming at step 3 (out of order, fresh object) reads exactly what the uninterrupted run read.
    expect((await rowsRead(7, 4, [3]))[0]).toEqual(rows.slice(12, 16));
    // Another seed, another order.
    expect((await rowsRead(8, 4, [0, 1, 2])).flat().slice(0, 10)).not.toEqual(epoch0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
