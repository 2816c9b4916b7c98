import { describe, expect, it } from 'vitest';
import { loadMnist } from '@scorekit/data/node';
import { readEvalArray } from '../src/commands/evalSources.js';

describe('eval --real/--fake dataset: sources', () => {
  it('dataset:mnist is the training split, :test the held-out digits, :all both; none shares a digit with another split', async () => {
    const train = await readEvalArray('dataset:mnist', '--real', undefined);
    const test = await readEvalArray('dataset:mnist:test', '--real', undefined);
    const all = await readEvalArray('dataset:mnist:all', '--real', undefined);
    expect(train.shape).toEqual([8004, 28, 28, 1]);
    expect(test.shape).toEqual([1996, 28, 28, 1]);
    expect(all.shape).toEqual([10000, 28, 28, 1]);
    // The held-out digits are exactly loadMnist's test split (same pixels, same order).
    const reference = await loadMnist({ split: 'test' });
    const same = Buffer.from(reference.images.buffer).equals(Buffer.from((test.data as Float32Array).buffer, test.data.byteOffset, test.data.byteLength));
    expect(same).toBe(true);
    // No test digit appears in the training split: compare 64-bit fingerprints of every image.
    const fingerprints = (data: Float32Array | Float64Array, n: number) => {
      const set = new Set<string>();
      for (let i = 0; i < n; i++) {
        let h1 = 0x811c9dc5;
        let h2 = 7;
        for (let p = 0; p < 784; p++) {
          const v = Math.round((data[i * 784 + p]! + 1) * 127.5);
          h1 = Math.imul(h1 ^ v, 0x01000193) >>> 0;
          h2 = (Math.imul(h2, 31) + v) >>> 0;
        }
        set.add(`${h1}:${h2}`);
      }
      return set;
    };
    const trainSet = fingerprints(train.data, 8004);
    const overlap = [...fingerprints(test.data, 1996)].filter((f) => trainSet.has(f)).length;
    // MNIST's test set has no exact duplicates between these halves' digits; a leak of the split would show
    // hundreds here.
    expect(overlap).toBe(0);
  });
});
