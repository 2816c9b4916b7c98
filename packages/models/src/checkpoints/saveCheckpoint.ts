import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type JsonValue, type Rng } from '@scorekit/core';
import { ensureDir, saveTensors, writeFileAtomic } from '@scorekit/core/node';
import type { ExponentialMovingAverage } from '../ExponentialMovingAverage.js';
import type { CheckpointedModule } from '../Network.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  FILES,
  checkpointDirName,
  listCheckpoints,
  type CheckpointManifest,
} from './checkpointFormat.js';
import { captureOptimizer } from './optimizerState.js';

/** What a checkpoint holds. Only `step` and `network` are required. */
export interface CheckpointContents {
  /** Training step (optimizer updates so far). */
  readonly step: number;
  /** The network whose weights are saved; its resolved config is stored too. */
  readonly network: CheckpointedModule;
  /** The run's own configuration (any JSON), stored verbatim. */
  readonly config?: JsonValue;
  /** EMA of the weights: shadow weights and update count. */
  readonly ema?: ExponentialMovingAverage;
  /** The optimizer, whose state (`getWeights()`, iteration count, Adam's β-powers) is saved. */
  readonly optimizer?: tf.Optimizer;
  /** Random number generators whose states are saved by name (data order, noise, dropout…). */
  readonly rngs?: Readonly<Record<string, Rng>>;
  /** Anything else the caller wants back (JSON), e.g. the last loss. */
  readonly extra?: { readonly [key: string]: JsonValue };
}

export interface SaveCheckpointOptions {
  /** Keep only the newest `keep` checkpoints (after writing this one); default: keep all. */
  readonly keep?: number;
}

/**
 * Writes a checkpoint as one folder `<root>/step-<step>` — checkpoint.json (format, step, run config, network
 * config, RNG states, EMA and optimizer bookkeeping), weights.safetensors, ema.safetensors, optimizer.safetensors —
 * built in a temporary folder and renamed into place, then points `<root>/latest` at it (written atomically). A
 * crash at any moment leaves the previous checkpoint and `latest` intact. Returns the checkpoint's folder.
 *
 * @example
 * await saveCheckpoint('runs/mnist/checkpoints', { step, network, ema, optimizer, rngs: { data: dataRng }, config });
 * // later, in a fresh process:
 * const info = await readCheckpoint('runs/mnist/checkpoints');
 * const network = createNetwork(info.networkConfig);
 * const { rngs } = await restoreCheckpoint('runs/mnist/checkpoints', { network, ema, optimizer });
 */
export async function saveCheckpoint(root: string, contents: CheckpointContents, options: SaveCheckpointOptions = {}): Promise<string> {
  const { step, network } = contents;
  if (!Number.isInteger(step) || step < 0) throw new Error(`saveCheckpoint: step must be an integer ≥ 0, got ${step}`);
  if (options.keep != null && !(Number.isInteger(options.keep) && options.keep >= 1)) {
    throw new Error(`saveCheckpoint: keep must be an integer ≥ 1, got ${options.keep}`);
  }
  await ensureDir(root);
  const name = checkpointDirName(step);
  const finalDir = nodePath.join(root, name);
  const tmpDir = nodePath.join(root, `.tmp-${name}-${process.pid}-${Date.now().toString(36)}`);
  await fs.mkdir(tmpDir);
  try {
    const weights: tf.NamedTensorMap = {};
    for (const v of network.variables) weights[v.name] = v.variable;
    await saveTensors(nodePath.join(tmpDir, FILES.weights), weights, { step });

    let emaState: CheckpointManifest['ema'] = null;
    if (contents.ema) {
      const shadow: tf.NamedTensorMap = {};
      for (const { name: n, tensor } of contents.ema.shadowWeights()) shadow[n] = tensor;
      await saveTensors(nodePath.join(tmpDir, FILES.ema), shadow, { step });
      emaState = contents.ema.state();
    }

    let optimizerState: CheckpointManifest['optimizer'] = null;
    if (contents.optimizer) {
      const captured = await captureOptimizer(contents.optimizer, network);
      await saveTensors(nodePath.join(tmpDir, FILES.optimizer), captured.tensors, { step });
      tf.dispose(captured.owned);
      optimizerState = captured.manifest;
    }

    const rngs: Record<string, readonly number[]> = {};
    for (const [k, rng] of Object.entries(contents.rngs ?? {})) rngs[k] = [...rng.state().words];

    const manifest: CheckpointManifest = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      step,
      config: contents.config ?? null,
      network: network.config as unknown as JsonValue,
      rngs,
      ema: emaState,
      optimizer: optimizerState,
      extra: contents.extra ?? {},
    };
    await writeFileAtomic(nodePath.join(tmpDir, FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');

    // Replace an existing checkpoint of the same step: move it aside first (a directory cannot be renamed over a
    // non-empty one), then drop it once the new one is in place.
    const aside = nodePath.join(root, `.old-${name}-${process.pid}-${Date.now().toString(36)}`);
    const existed = await fs.rename(finalDir, aside).then(
      () => true,
      () => false,
    );
    await fs.rename(tmpDir, finalDir);
    await writeFileAtomic(nodePath.join(root, FILES.latest), `${name}\n`);
    if (existed) await fs.rm(aside, { recursive: true, force: true });
  } catch (e) {
    await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }

  if (options.keep != null) {
    const all = await listCheckpoints(root);
    for (const old of all.slice(0, Math.max(0, all.length - options.keep))) {
      if (old.path !== finalDir) await fs.rm(old.path, { recursive: true, force: true });
    }
  }
  return finalDir;
}
