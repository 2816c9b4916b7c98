// The U-Net workloads of `pnpm bench` (unet-train, unet-sample): `UNET_PRESETS.mnist` of @scorekit/models, the
// network users train, against shared/bench/peer_unet_torch.py (the same network in PyTorch). @scorekit/models sits
// above core in the package layers, so it is not a dependency of core: the bench loads its source from the
// repository (tsx, `source` condition), which resolves @scorekit/core to this package's source, one instance.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng, adam } from '../src/index.js';

/** What the bench uses of @scorekit/models (declared here: core cannot import the package's types). */
interface UNetNetwork {
  readonly parameterCount: number;
  apply(x: tf.Tensor, cNoise: tf.Tensor, options?: { training?: boolean; rng?: Rng }): tf.Tensor;
  trainableVariables(): tf.Variable[];
  dispose(): void;
}
interface ModelsModule {
  createNetwork(config: unknown, options: { rng: Rng }): UNetNetwork;
  UNET_PRESETS: Record<'mnist' | 'cifar', unknown>;
}

let models: ModelsModule | null | undefined;

/** @scorekit/models' source beside this package in the repository, or null when it is not there. */
export async function loadModels(packageDir: string): Promise<ModelsModule | null> {
  if (models !== undefined) return models;
  const entry = resolve(packageDir, '..', 'models', 'src', 'index.ts');
  models = existsSync(entry) ? ((await import(pathToFileURL(entry).href)) as ModelsModule) : null;
  return models;
}

const BETA_MIN = 0.1;
const BETA_MAX = 20;
export const UNET_TRAIN_BATCH = 32;
export const UNET_SAMPLE_BATCH = 64;

/** One rate of a U-Net workload, with the memory one step needed. */
export interface UnetRun {
  readonly rate: number;
  /** Most bytes of tensors alive at once during one step, above what was alive before it (tf.profile). */
  readonly peakStepBytes: number;
  /** The wasm heap's size after the run (it only grows: the high-water mark of the backend's memory), or null. */
  readonly heapBytes: number | null;
}

function wasmHeapBytes(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  // the memory object itself: emscripten's HEAP views are refreshed only at its next allocation after a growth
  const wasm = (tf.backend() as unknown as { wasm?: { asm?: { memory?: WebAssembly.Memory } } }).wasm;
  return wasm?.asm?.memory?.buffer.byteLength ?? null;
}

async function peakBytes(step: () => tf.Tensor): Promise<number> {
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => {
    const out = step();
    out.dataSync();
    out.dispose();
  });
  return info.peakBytes - before;
}

/**
 * unet-train: as peer_unet_torch.py's step — x₀ uniform in [−1, 1], t uniform in [1e-5, 1], x_t from the VP-SDE
 * marginal (β 0.1 → 20), ε-prediction ‖net(x_t, 999t) − ε‖² in training mode (dropout 0.1), Adam 2e-4 (core's
 * fused `adam()`). Steps per second over `steps` steps after 2 warm-up steps, batch 32.
 */
export async function unetTrain(m: ModelsModule, seed: number, steps = 8): Promise<UnetRun> {
  const { step, dispose } = unetSteps(m, 'train', seed);
  try {
    for (let i = 0; i < 2; i++) {
      const loss = step();
      await loss.data();
      loss.dispose();
    }
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const loss = step();
      await loss.data();
      loss.dispose();
    }
    const rate = steps / ((performance.now() - t0) / 1000);
    return { rate, peakStepBytes: await peakBytes(step), heapBytes: wasmHeapBytes() };
  } finally {
    dispose();
  }
}

/**
 * One step of a U-Net workload and how to free it: a training step (returns the loss) or one sampling step
 * (returns the new batch, which the caller owns; the state advances only through `unetSample`).
 */
export function unetSteps(m: ModelsModule, kind: 'train' | 'sample', seed: number): { step: () => tf.Tensor; dispose: () => void } {
  const net = m.createNetwork(m.UNET_PRESETS.mnist, { rng: new Rng(seed) });
  const rng = new Rng(seed + 1);
  if (kind === 'sample') {
    const n = UNET_SAMPLE_BATCH;
    const c = tf.fill([n], 0.5 * 999);
    const x = rng.normal([n, 28, 28, 1]);
    return {
      step: () => tf.tidy(() => tf.sub(x, tf.mul(0.001, net.apply(x, c)))),
      dispose: () => {
        x.dispose();
        c.dispose();
        net.dispose();
      },
    };
  }
  const opt = adam(2e-4);
  const n = UNET_TRAIN_BATCH;
  const shape = [n, 28, 28, 1];
  const step = (): tf.Tensor =>
    tf.tidy(() => {
      const x0 = rng.uniform(shape, -1, 1);
      const t = rng.uniform([n], 1e-5, 1);
      const lm = tf.sub(tf.mul(-0.25 * (BETA_MAX - BETA_MIN), tf.square(t)), tf.mul(0.5 * BETA_MIN, t));
      const mean = tf.reshape(tf.exp(lm), [n, 1, 1, 1]);
      const std = tf.reshape(tf.sqrt(tf.sub(1, tf.exp(tf.mul(2, lm)))), [n, 1, 1, 1]);
      const eps = rng.normal(shape);
      const xt = tf.add(tf.mul(mean, x0), tf.mul(std, eps));
      return opt.minimize(
        () => tf.mean(tf.square(tf.sub(net.apply(xt, tf.mul(t, 999), { training: true, rng }), eps))) as tf.Scalar,
        true,
        net.trainableVariables(),
      ) as tf.Scalar;
    });
  return {
    step,
    dispose: () => {
      opt.dispose();
      net.dispose();
    },
  };
}

/**
 * unet-sample: as peer_unet_torch.py's sampling — batch 64 at t = 0.5, x ← x − 0.001·net(x, 999t), no gradient;
 * network evaluations (images × steps) per second over `steps` steps after one warm-up evaluation.
 */
export async function unetSample(m: ModelsModule, seed: number, steps = 8): Promise<UnetRun> {
  const net = m.createNetwork(m.UNET_PRESETS.mnist, { rng: new Rng(seed) });
  const rng = new Rng(seed + 1);
  const n = UNET_SAMPLE_BATCH;
  const c = tf.fill([n], 0.5 * 999);
  let x = rng.normal([n, 28, 28, 1]);
  const step = (): tf.Tensor => tf.tidy(() => tf.sub(x, tf.mul(0.001, net.apply(x, c))));
  const advance = () => {
    const next = step();
    x.dispose();
    x = next;
  };
  try {
    advance();
    await x.data();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) advance();
    await x.data();
    const rate = (n * steps) / ((performance.now() - t0) / 1000);
    return { rate, peakStepBytes: await peakBytes(step), heapBytes: wasmHeapBytes() };
  } finally {
    x.dispose();
    c.dispose();
    net.dispose();
  }
}
