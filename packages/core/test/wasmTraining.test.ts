// Small representatives of the model families scorekit trains, differentiated on wasm (with scorekit's kernels)
// and on tfjs's cpu backend: the loss gradients with respect to every parameter must agree. Also second-order
// gradients (score-matching objectives) and a flat tensor count over a wasm training loop.
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, silu } from '../src/index.js';

type Params = Record<string, { values: Float32Array; shape: number[] }>;
type Net = (p: Record<string, tf.Tensor>, x: tf.Tensor, t: tf.Tensor) => tf.Tensor;

function init(specs: Record<string, number[]>, seed: number): Params {
  const rng = new Rng(seed);
  const out: Params = {};
  for (const [name, shape] of Object.entries(specs)) {
    const fanIn = shape.length === 1 ? 1 : shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const scale = shape.length === 1 ? 0.1 : 1 / Math.sqrt(fanIn);
    out[name] = { values: rng.normalArray(shape.reduce((a, b) => a * b, 1), 0, scale), shape };
  }
  return out;
}

const dense = (p: Record<string, tf.Tensor>, name: string, h: tf.Tensor): tf.Tensor =>
  tf.add(tf.matMul(h, p[`${name}.w`]), p[`${name}.b`]);
const conv = (p: Record<string, tf.Tensor>, name: string, h: tf.Tensor, stride = 1): tf.Tensor =>
  tf.add(tf.conv2d(h as tf.Tensor4D, p[`${name}.w`] as tf.Tensor4D, stride, 'same'), p[`${name}.b`]);

/** MLP score model on (x, t) with SiLU. */
const mlpSpecs = { 'l0.w': [3, 32], 'l0.b': [32], 'l1.w': [32, 32], 'l1.b': [32], 'l2.w': [32, 2], 'l2.b': [2] };
const mlpNet: Net = (p, x, t) => {
  let h = tf.concat([x, tf.reshape(t, [-1, 1])], 1);
  h = silu(dense(p, 'l0', h));
  h = silu(dense(p, 'l1', h));
  return dense(p, 'l2', h);
};

/**
 * ×2 nearest-neighbour upsampling. On wasm through tf.image.resizeNearestNeighbor (the kernels under test); on cpu
 * as an equivalent broadcast, because tfjs-backend-cpu's ResizeNearestNeighborGrad is wrong for batch > 1 (it
 * offsets dy by the images' batch stride).
 */
function upsample2(h: tf.Tensor): tf.Tensor {
  const [n, hgt, wid, c] = h.shape;
  if (tf.getBackend() !== 'cpu') return tf.image.resizeNearestNeighbor(h as tf.Tensor4D, [2 * hgt, 2 * wid]);
  const b = tf.mul(tf.reshape(h, [n, hgt, 1, wid, 1, c]), tf.ones([1, 1, 2, 1, 2, 1]));
  return tf.reshape(b, [n, 2 * hgt, 2 * wid, c]);
}

/** Conv net: stride-2 down, nearest-neighbour up, skip concat (the benchmark's shape, smaller). */
const convSpecs = {
  'inp.w': [3, 3, 2, 8], 'inp.b': [8],
  'down.w': [3, 3, 8, 16], 'down.b': [16],
  'mid.w': [3, 3, 16, 16], 'mid.b': [16],
  'up.w': [3, 3, 16, 8], 'up.b': [8],
  'out.w': [3, 3, 16, 1], 'out.b': [1],
};
const convNet: Net = (p, x, t) => {
  const h0 = silu(conv(p, 'inp', tf.concat([x, tf.mul(tf.onesLike(x), tf.reshape(t, [-1, 1, 1, 1]))], 3)));
  let h1 = silu(conv(p, 'down', h0, 2));
  h1 = silu(conv(p, 'mid', h1));
  const u = silu(conv(p, 'up', upsample2(h1)));
  return conv(p, 'out', tf.concat([u, h0], 3));
};

/** GroupNorm (2 groups) + single-head self-attention + class-embedding gather + dropout, on an 8-channel map. */
const blockSpecs = {
  'inp.w': [3, 3, 1, 8], 'inp.b': [8],
  'gamma': [8], 'beta': [8],
  'emb': [5, 8],
  'q.w': [8, 8], 'k.w': [8, 8], 'v.w': [8, 8], 'o.w': [8, 8],
  'out.w': [3, 3, 8, 1], 'out.b': [1],
};
const labels = [0, 3, 4, 3];
const blockNet: Net = (p, x) => {
  const [n, hgt, wid] = x.shape;
  let h = conv(p, 'inp', x);
  // class embedding, broadcast over pixels
  h = tf.add(h, tf.reshape(tf.gather(p.emb, tf.tensor1d(labels.slice(0, n), 'int32')), [n, 1, 1, 8]));
  // GroupNorm with 2 groups of 4 channels
  const g = tf.reshape(h, [n, hgt, wid, 2, 4]);
  const { mean, variance } = tf.moments(g, [1, 2, 4], true);
  h = tf.reshape(tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, 1e-5))), [n, hgt, wid, 8]);
  h = silu(tf.add(tf.mul(h, p.gamma), p.beta));
  // self-attention over the hgt·wid positions
  const seq = tf.reshape(h, [n, hgt * wid, 8]);
  const proj = (name: string) => tf.reshape(tf.matMul(tf.reshape(seq, [-1, 8]), p[name]), [n, hgt * wid, 8]);
  const att = tf.softmax(tf.div(tf.matMul(proj('q.w'), proj('k.w'), false, true), Math.sqrt(8)));
  const a = tf.reshape(tf.matMul(tf.reshape(tf.matMul(att, proj('v.w')), [-1, 8]), p['o.w']), [n, hgt, wid, 8]);
  h = tf.dropout(tf.add(h, a), 0.1, undefined, 42);
  return conv(p, 'out', h);
};

/** DSM-style loss ‖net(x, t) − target‖² with fixed inputs. */
function lossFn(net: Net, xShape: number[], outShape: number[]): (p: Record<string, tf.Tensor>) => tf.Scalar {
  const rng = new Rng(99);
  const x = rng.normalArray(xShape.reduce((a, b) => a * b, 1));
  const t = rng.uniformArray(xShape[0], 0.05, 1);
  const target = rng.normalArray(outShape.reduce((a, b) => a * b, 1));
  return (p) =>
    tf.mean(tf.square(tf.sub(net(p, tf.tensor(x, xShape), tf.tensor1d(t)), tf.tensor(target, outShape))));
}

async function gradientsOn(
  backend: 'cpu' | 'wasm',
  params: Params,
  loss: (p: Record<string, tf.Tensor>) => tf.Scalar,
): Promise<Record<string, Float32Array>> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const names = Object.keys(params);
    const ts = names.map((k) => tf.tensor(params[k].values, params[k].shape));
    const grads = tf.grads((...xs: tf.Tensor[]) => loss(Object.fromEntries(names.map((k, i) => [k, xs[i]]))))(ts);
    return Object.fromEntries(names.map((k, i) => [k, grads[i].dataSync() as Float32Array]));
  });
}

/**
 * Gradients are sums over the batch and pixels of float32 products accumulated in different orders on the two
 * backends (GEMM tiles and direct convolution vs cpu's loops); relative to the largest gradient of a parameter
 * the difference stays near 1e-6 in these nets. 1e-4 of that scale (plus 1e-4 relative) leaves ~100× headroom
 * yet catches any indexing or transpose error, which changes gradients at the 1e-1 level.
 */
function expectGradsAgree(wasm: Record<string, Float32Array>, cpu: Record<string, Float32Array>): void {
  for (const k of Object.keys(cpu)) {
    const scale = Math.max(...Array.from(cpu[k], Math.abs));
    expect(scale, `${k}: cpu gradient is all zeros, the test would prove nothing`).toBeGreaterThan(0);
    expectAllClose(wasm[k], cpu[k], 1e-4 * scale, 1e-4);
  }
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('training gradients on wasm match cpu', () => {
  const families: [string, Record<string, number[]>, Net, number[], number[]][] = [
    ['MLP with SiLU', mlpSpecs, mlpNet, [37, 2], [37, 2]],
    ['conv net: stride-2 down, nearest up, skip concat', convSpecs, convNet, [3, 12, 12, 1], [3, 12, 12, 1]],
    ['GroupNorm + self-attention + embedding gather + dropout', blockSpecs, blockNet, [4, 6, 6, 1], [4, 6, 6, 1]],
  ];
  for (const [name, specs, net, xShape, outShape] of families) {
    it(`${name}: first-order loss gradients`, async () => {
      const params = init(specs, 1);
      const loss = lossFn(net, xShape, outShape);
      expectGradsAgree(await gradientsOn('wasm', params, loss), await gradientsOn('cpu', params, loss));
    });
  }

  for (const [name, specs, net, xShape] of families.slice(0, 2)) {
    it(`${name}: second-order gradients (sliced score matching vᵀ∇ₓ(vᵀs) + ½‖s‖²)`, async () => {
      const params = init(specs, 2);
      const rng = new Rng(5);
      const size = xShape.reduce((a, b) => a * b, 1);
      const x = rng.normalArray(size);
      const v = rng.normalArray(size);
      const t = rng.uniformArray(xShape[0], 0.05, 1);
      // ermongroup/sliced_score_matching losses/sliced_sm.py sliced_score_estimation_vr
      const loss = (p: Record<string, tf.Tensor>): tf.Scalar => {
        const xt = tf.tensor(x, xShape);
        const vt = tf.tensor(v, xShape);
        const tt = tf.tensor1d(t);
        const s = net(p, xt, tt);
        const gradVs = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(net(p, u, tt), vt)))(xt);
        return tf.add(tf.mean(tf.sum(tf.reshape(tf.mul(gradVs, vt), [xShape[0], -1]), 1)), tf.mul(0.5, tf.mean(tf.square(s))));
      };
      expectGradsAgree(await gradientsOn('wasm', params, loss), await gradientsOn('cpu', params, loss));
    });
  }
});

describe('a training loop on wasm', () => {
  it('keeps the number of live tensors flat (conv net with Adam)', async () => {
    await tf.setBackend('wasm');
    const params = init(convSpecs, 3);
    const vars = Object.entries(params).map(([k, p]) => tf.variable(tf.tensor(p.values, p.shape), true, `leak.${k}`));
    const named = Object.fromEntries(Object.keys(params).map((k, i) => [k, vars[i] as tf.Tensor]));
    const opt = tf.train.adam(1e-3);
    const loss = lossFn(convNet, [2, 8, 8, 1], [2, 8, 8, 1]);
    const losses: number[] = [];
    const steps = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        const l = tf.tidy(() => opt.minimize(() => loss(named), true, vars) as tf.Scalar);
        losses.push((await l.data())[0]);
        l.dispose();
      }
    };
    await expectNoTensorLeak(steps);
    // the loop also has to learn: six Adam steps on a fixed batch lower the loss
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });
});
