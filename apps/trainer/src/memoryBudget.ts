import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { CliError } from './errors.js';

const GIB = 1024 ** 3;
// WebAssembly memory is addressed with 32 bits: the wasm backend cannot hold more than 4 GiB, whatever the machine.
const WASM_LIMIT = 4 * GIB;
// Leave a quarter of the machine to the OS, Node and the JS heap.
const MACHINE_SHARE = 0.75;

/**
 * The bytes this process may plan to allocate for tensors: three quarters of the machine's memory, and at most
 * 4 GiB on the wasm backend (32-bit WebAssembly memory).
 *
 * @example
 * memoryBudgetBytes('wasm'); // 4294967296 on a 24 GiB machine
 */
export function memoryBudgetBytes(backend: string = tf.getBackend() ?? ''): number {
  const machine = os.totalmem() * MACHINE_SHARE;
  return backend === 'wasm' ? Math.min(machine, WASM_LIMIT) : machine;
}

/** A size in words: "~3.2 GB". */
export function formatBytes(bytes: number): string {
  const round = (x: number) => String(Number(x.toPrecision(2)));
  if (bytes >= 1e12) return `~${round(bytes / 1e12)} TB`;
  if (bytes >= 1e9) return `~${round(bytes / 1e9)} GB`;
  return `~${round(Math.max(bytes / 1e6, 0.1))} MB`;
}

/**
 * Refuses, before anything is allocated, work whose estimated memory exceeds the budget: a `CliError` (exit 2)
 * saying what it needs, what there is, and what to lower — instead of a `RangeError` or "memory access out of
 * bounds" after seconds and gigabytes.
 *
 * @example
 * assertFitsInMemory(4 * n * 784 * 16, `sampling ${n} images`, 'lower --n');
 */
export function assertFitsInMemory(bytes: number, what: string, advice: string, backend?: string): void {
  const budget = memoryBudgetBytes(backend);
  if (!(bytes <= budget)) {
    const where = (backend ?? tf.getBackend()) === 'wasm' ? 'the wasm backend (4 GiB at most)' : `this machine (${formatBytes(os.totalmem())} in all)`;
    throw new CliError(`${what} needs ${formatBytes(bytes)} of memory, more than ${where} allows (${formatBytes(budget)}); ${advice}.`);
  }
}

/** A rough model of a network's size, from its resolved config: weights, and floats of activations per sample. */
export interface NetworkSize {
  readonly parameters: number;
  readonly activationsPerSample: number;
}

/**
 * Estimates a network's weights and per-sample activations from its resolved config (no tensor is built). MLPs
 * are counted exactly (kernels and biases); U-Nets to within a factor of about 2 (3×3 convolutions of each
 * resolution's residual blocks), which is what a memory check needs.
 *
 * @example
 * networkSize({ name: 'mlp', dim: 2, width: 30000, depth: 3, embeddingDim: 32 }).parameters; // ≈ 1.8e9
 */
export function networkSize(config: { readonly name: string; readonly [key: string]: unknown }): NetworkSize {
  const n = (key: string, fallback: number) => (typeof config[key] === 'number' ? (config[key] as number) : fallback);
  if (config.name === 'mlp') {
    const dim = n('dim', 2);
    const w = n('width', 128);
    const depth = n('depth', 3);
    const e = n('embeddingDim', 32);
    const out = n('outputDim', dim);
    const parameters = (dim + e) * w + w + (depth - 1) * (w * w + w) + w * out + out + (n('numClasses', 0) + 1) * e;
    // Pre-activation, activation and their gradients for each layer (×2 for temporaries).
    return { parameters, activationsPerSample: 8 * w * (depth + 2) };
  }
  if (config.name === 'unet') {
    const size = config.imageSize;
    const [h, w] = Array.isArray(size) ? (size as number[]) : [n('imageSize', 28), n('imageSize', 28)];
    const nf = n('nf', 32);
    const blocks = n('numResBlocks', 1);
    const mult = Array.isArray(config.chMult) ? (config.chMult as number[]) : [1, 2, 2];
    let parameters = 0;
    let activationsPerSample = 0;
    mult.forEach((m, i) => {
      const c = nf * m;
      // Down path: `blocks` residual blocks of two 3×3 convolutions; up path one more, on concatenated inputs.
      parameters += (18 * blocks + 27 * (blocks + 1)) * c * c;
      activationsPerSample += ((h * w) / 4 ** i) * c * (2 * blocks + 1) * 12;
    });
    const last = nf * (mult.at(-1) ?? 1);
    parameters += 36 * last * last;
    return { parameters, activationsPerSample };
  }
  if (config.name === 'energy' && config.network != null && typeof config.network === 'object') {
    const inner = networkSize(config.network as { name: string });
    // The energy's score is a gradient: one more backward pass.
    return { parameters: inner.parameters, activationsPerSample: 2 * inner.activationsPerSample };
  }
  return { parameters: 0, activationsPerSample: 0 };
}

/**
 * Bytes a training run holds: weights, gradients, Adam's two moments and the EMA copy (5 floats per weight), and
 * per sample of a batch its activations and a few copies of the data point; plus the loaded data set.
 *
 * @example
 * trainingBytes(networkSize(config.network), 256, 2); // the 2d preset: a few MB
 */
export function trainingBytes(size: NetworkSize, batchSize: number, pointSize: number, datasetFloats = 0): { weights: number; batch: number; total: number } {
  const weights = 4 * 5 * size.parameters;
  const batch = 4 * batchSize * (size.activationsPerSample + 6 * pointSize);
  return { weights, batch, total: weights + batch + 4 * datasetFloats };
}
