// Add, Sub, Multiply and Sum on wasm through @scorekit/native's thread pool: the element-wise ops against the cpu
// backend exactly (one float32 rounding per element on both), for every broadcast they take natively and for the
// ones they hand back to tfjs; sums over leading and middle axes against float64 sums; the same bits on one and two
// threads.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, nativeKernelsStatus, setWasmThreads } from '../src/index.js';
import { broadcastRuns } from '../src/wasm/kernels/Arithmetic.js';

async function on<T>(backend: string, fn: () => T): Promise<T> {
  await tf.setBackend(backend);
  return fn();
}

describe('broadcastRuns: which broadcasts run natively', () => {
  it('finds the period and repeat of one run of broadcast axes, and refuses two runs', () => {
    expect(broadcastRuns([4, 5, 6], [4, 5, 6])).toEqual({ period: 120, repeat: 1 });
    expect(broadcastRuns([4, 5, 6], [])).toEqual({ period: 1, repeat: 120 });
    expect(broadcastRuns([4, 5, 6], [6])).toEqual({ period: 6, repeat: 20 });
    expect(broadcastRuns([8, 7, 7, 32], [8, 1, 1, 32])).toEqual({ period: 32, repeat: 49 });
    expect(broadcastRuns([8, 3], [8, 1])).toEqual({ period: 1, repeat: 3 });
    expect(broadcastRuns([1, 5, 6], [5, 1])).toEqual({ period: 1, repeat: 6 });
    expect(broadcastRuns([4, 5, 6], [1, 5, 1])).toBeNull();
    expect(broadcastRuns([4, 5, 6], [2, 5, 6])).toBeNull();
  });
});

const run = nativeKernelsStatus().active ? describe : describe.skip;

run('Add, Sub, Multiply and Sum on wasm (native)', () => {
  afterAll(async () => {
    setWasmThreads(1);
    await tf.setBackend('cpu');
  });

  // [a shape, b shape]: same shape, scalar, per-channel, per-sample [n, 1, 1, c], broadcast on the left, and two
  // that go back to tfjs's kernel (a broadcast on both sides; two separate runs of broadcast axes)
  const pairs: [number[], number[]][] = [
    [[6, 9, 11, 24], [6, 9, 11, 24]],
    [[6, 9, 11, 24], []],
    [[6, 9, 11, 24], [24]],
    [[6, 9, 11, 24], [6, 1, 1, 24]],
    [[24], [6, 9, 11, 24]],
    [[5, 1], [1, 7]],
    [[4, 5, 6], [1, 5, 1]],
  ];
  const ops = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
  ] as const;

  for (const [name, op] of ops) {
    for (const [sa, sb] of pairs) {
      it(`${name} [${sa}] with [${sb}]: exactly the cpu backend's values`, async () => {
        const rng = new Rng(1);
        const a = rng.normal(sa);
        const b = rng.normal(sb);
        const cpu = await on('cpu', () => tf.tidy(() => Array.from(op(a, b).dataSync())));
        const wasm = await on('wasm', () => tf.tidy(() => Array.from(op(a, b).dataSync())));
        expect(wasm).toEqual(cpu);
        tf.dispose([a, b]);
      });
    }
  }

  it('int32 operands still go to tfjs’s kernel (exact integers)', async () => {
    await tf.setBackend('wasm');
    const got = tf.tidy(() => Array.from(tf.mul(tf.tensor1d([1, 2, 3], 'int32'), tf.scalar(3, 'int32')).dataSync()));
    expect(got).toEqual([3, 6, 9]);
  });

  // [shape, axes, keepDims]: bias gradients (leading axes), per-sample channel sums (middle axes), a middle axis
  // of a 3-D tensor, and reductions the native kernel leaves to tfjs (all axes; axes that are not consecutive)
  const sums: [number[], number[], boolean][] = [
    [[16, 28, 28, 32], [0, 1, 2], false],
    [[16, 28, 28, 32], [1, 2], true],
    [[7, 333, 5], [1], false],
    [[9, 13], [0], true],
    [[6, 5, 4], [0, 1, 2], false],
    [[6, 5, 4], [0, 2], false],
  ];
  for (const [shape, axes, keepDims] of sums) {
    it(`sum of [${shape}] over [${axes}]${keepDims ? ' (keepDims)' : ''}: float64 sums to float32 accuracy, same bits on 1 and 2 threads`, async () => {
      await tf.setBackend('wasm');
      const x = new Rng(2).normal(shape);
      const once = (threads: number) => {
        setWasmThreads(threads);
        return tf.tidy(() => tf.sum(x, axes, keepDims));
      };
      const one = once(1);
      const two = once(2);
      expect(Array.from(two.dataSync())).toEqual(Array.from(one.dataSync()));
      expect(one.shape).toEqual(shape.map((d, i) => (axes.includes(i) ? 1 : d)).filter((d, i) => keepDims || !axes.includes(i)));
      // float64 sums: each element of x goes to the output index made of its kept coordinates
      const xs = x.dataSync();
      const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
      const want = new Float64Array(one.size);
      const magnitude = new Float64Array(one.size);
      for (let i = 0; i < xs.length; i++) {
        let rest = i;
        const coords = new Array<number>(shape.length);
        for (let d = shape.length - 1; d >= 0; d--) {
          coords[d] = rest % shape[d];
          rest = Math.floor(rest / shape[d]);
        }
        const o = kept.reduce((acc, d) => acc * shape[d] + coords[d], 0);
        want[o] += xs[i];
        magnitude[o] += Math.abs(xs[i]);
      }
      // float32 summation (in blocks of ≤ 16384 / inner rows natively, sequentially in tfjs's kernel): error
      // ≤ rows·2⁻²⁴·Σ|x|, rows ≤ 12544 here
      const count = axes.reduce((p, a) => p * shape[a], 1);
      const got = one.dataSync();
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(count * 6e-8 * magnitude[i]);
      tf.dispose([x, one, two]);
    });
  }
});
