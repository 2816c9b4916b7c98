// The three workloads of the project's peer benchmark (shared/bench/peer_torch.py, copied in ./peer): the same
// architectures, batch sizes and step counts, written with scorekit's pieces (Rng, second-order-safe SiLU) on
// whatever backend is active.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, adam, silu } from '../src/index.js';

const BETA_MIN = 0.1;
const BETA_MAX = 20;

/** VP-SDE marginal mean and std at t (score_sde sde_lib.py VPSDE.marginal_prob). */
function marginal(t: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const lm = tf.sub(tf.mul(-0.25 * (BETA_MAX - BETA_MIN), tf.square(t)), tf.mul(0.5 * BETA_MIN, t));
  return [tf.exp(lm), tf.sqrt(tf.sub(1, tf.exp(tf.mul(2, lm))))];
}

interface Model {
  readonly vars: tf.Variable[];
  apply(x: tf.Tensor, t: tf.Tensor): tf.Tensor;
}

function dense(rng: Rng, i: number, o: number): { w: tf.Variable; b: tf.Variable } {
  return { w: tf.variable(rng.normal([i, o], 0, 1 / Math.sqrt(i))), b: tf.variable(tf.zeros([o])) };
}

function conv(rng: Rng, i: number, o: number): { w: tf.Variable; b: tf.Variable } {
  return { w: tf.variable(rng.normal([3, 3, i, o], 0, 1 / Math.sqrt(9 * i))), b: tf.variable(tf.zeros([o])) };
}

/** MLP 3 → 256 → 256 → 256 → 2 with SiLU, input (x, t). */
export function mlp(rng: Rng): Model {
  const layers = [dense(rng, 3, 256), dense(rng, 256, 256), dense(rng, 256, 256), dense(rng, 256, 2)];
  return {
    vars: layers.flatMap((l) => [l.w, l.b]),
    apply: (x, t) => {
      let h = tf.concat([x, tf.reshape(t, [-1, 1])], 1);
      layers.forEach((l, i) => {
        // the bias added in the product's register tile: one pass over the activations less than matMul + add
        h = tf.fused.matMul({ a: h as tf.Tensor2D, b: l.w as tf.Tensor2D, bias: l.b });
        if (i < layers.length - 1) h = silu(h);
      });
      return h;
    },
  };
}

/** 28×28×1 conv net: 32/64 channels, one stride-2 down and nearest-neighbour up level, a skip concat. */
export function convNet(rng: Rng): Model {
  const c = {
    inp: conv(rng, 2, 32),
    a: conv(rng, 32, 32),
    down: conv(rng, 32, 64),
    b: conv(rng, 64, 64),
    up: conv(rng, 64, 32),
    c: conv(rng, 64, 32),
    out: conv(rng, 32, 1),
  };
  const ap = (l: { w: tf.Variable; b: tf.Variable }, x: tf.Tensor, s = 1): tf.Tensor =>
    tf.add(tf.conv2d(x as tf.Tensor4D, l.w as tf.Tensor4D, s, 'same'), l.b);
  return {
    vars: Object.values(c).flatMap((l) => [l.w, l.b]),
    apply: (x, t) => {
      const h0 = silu(ap(c.inp, tf.concat([x, tf.mul(tf.onesLike(x), tf.reshape(t, [-1, 1, 1, 1]))], 3)));
      const h1 = silu(ap(c.a, h0));
      let h2 = silu(ap(c.down, h1, 2));
      h2 = silu(ap(c.b, h2));
      const u = silu(ap(c.up, tf.image.resizeNearestNeighbor(h2 as tf.Tensor4D, [28, 28])));
      return ap(c.out, silu(ap(c.c, tf.concat([u, h1], 3))));
    },
  };
}

/** One DSM training step on the VP-SDE: ‖model(x_t, t) − ε‖², Adam. Returns the loss (to be disposed). */
export function dsmStep(model: Model, opt: tf.Optimizer, rng: Rng, x0Shape: number[]): tf.Scalar {
  return tf.tidy(() => {
    const n = x0Shape[0];
    const x0 = rng.normal(x0Shape);
    const t = rng.uniform([n], 1e-5, 1);
    const [m, s] = marginal(t);
    const shape = [n, ...x0Shape.slice(1).map(() => 1)];
    const eps = rng.normal(x0Shape);
    const xt = tf.add(tf.mul(tf.reshape(m, shape), x0), tf.mul(tf.reshape(s, shape), eps));
    return opt.minimize(() => tf.mean(tf.square(tf.sub(model.apply(xt, t), eps))), true, model.vars) as tf.Scalar;
  });
}

/** Training steps per second over `steps` steps after `warm` warm-up steps. */
export async function trainRate(model: Model, x0Shape: number[], steps: number, warm: number, rng: Rng): Promise<number> {
  const opt = adam(1e-3); // tf.train.adam's steps, fused per variable
  for (let i = 0; i < warm; i++) {
    const loss = dsmStep(model, opt, rng, x0Shape);
    await loss.data();
    loss.dispose();
  }
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const loss = dsmStep(model, opt, rng, x0Shape);
    await loss.data();
    loss.dispose();
  }
  const rate = steps / ((performance.now() - t0) / 1000);
  opt.dispose();
  return rate;
}

/** One reverse VP-SDE Euler–Maruyama step (step i of K) of the points x; returns the new points. */
export function sampleStep(model: Model, x: tf.Tensor, i: number, K: number, rng: Rng): tf.Tensor {
  return tf.tidy(() => {
    const n = x.shape[0];
    const dt = 1 / K;
    const t = tf.fill([n], 1 - i * dt);
    const beta = tf.reshape(tf.add(BETA_MIN, tf.mul(t, BETA_MAX - BETA_MIN)), [-1, 1]);
    const [, s] = marginal(t);
    const score = tf.div(tf.neg(model.apply(x, t)), tf.reshape(s, [-1, 1]));
    const drift = tf.sub(tf.mul(-0.5, tf.mul(beta, x)), tf.mul(beta, score));
    return tf.add(tf.sub(x, tf.mul(drift, dt)), tf.mul(tf.sqrt(tf.mul(beta, dt)), rng.normal([n, 2])));
  });
}

/** Reverse VP-SDE Euler–Maruyama sampling of n points for K steps; returns score evaluations per second. */
export async function sampleRate(model: Model, n: number, K: number, rng: Rng): Promise<number> {
  let x = rng.normal([n, 2]);
  const t0 = performance.now();
  for (let i = 0; i < K; i++) {
    const next = sampleStep(model, x, i, K, rng);
    x.dispose();
    x = next;
  }
  await x.data();
  const rate = (n * K) / ((performance.now() - t0) / 1000);
  x.dispose();
  return rate;
}

/** Every workload of `pnpm bench`: its unit, its key in the peer's output, and which peer script measures it. */
export const WORKLOADS = {
  'mlp-train': { unit: 'steps/s', peerKey: 'mlp-train steps/s', peer: 'peer_torch.py' },
  'mlp-sample': { unit: 'score-evals/s', peerKey: 'mlp-sample score-evals/s', peer: 'peer_torch.py' },
  'conv-train': { unit: 'steps/s', peerKey: 'conv-train steps/s', peer: 'peer_torch.py' },
  'unet-train': { unit: 'steps/s', peerKey: 'unet-train steps/s', peer: 'peer_unet_torch.py' },
  'unet-sample': { unit: 'evals/s', peerKey: 'unet-sample evals/s', peer: 'peer_unet_torch.py' },
} as const;
export type WorkloadName = keyof typeof WORKLOADS;
export type PeerFile = (typeof WORKLOADS)[WorkloadName]['peer'];

/** Runs one of the peer_torch.py workloads once with the peer's sizes and returns its rate. */
export async function runWorkload(name: Exclude<WorkloadName, 'unet-train' | 'unet-sample'>, seed = 0): Promise<number> {
  const rng = new Rng(seed);
  const vars: tf.Variable[] = [];
  try {
    if (name === 'mlp-train') {
      const model = mlp(rng);
      vars.push(...model.vars);
      return await trainRate(model, [1024, 2], 50, 3, rng);
    }
    if (name === 'mlp-sample') {
      const model = mlp(rng);
      vars.push(...model.vars);
      return await sampleRate(model, 10_000, 100, rng);
    }
    const model = convNet(rng);
    vars.push(...model.vars);
    return await trainRate(model, [64, 28, 28, 1], 10, 3, rng);
  } finally {
    for (const v of vars) v.dispose();
  }
}
