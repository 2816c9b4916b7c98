import nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadTensors } from '@scorekit/core/node';
import type { ExponentialMovingAverage } from '../ExponentialMovingAverage.js';
import type { CheckpointedModule } from '../Network.js';
import { FILES } from './checkpointFormat.js';
import { restoreOptimizer } from './optimizerState.js';
import { CheckpointError, readCheckpoint, readManifest, type CheckpointInfo, type ReadCheckpointOptions } from './readCheckpoint.js';

/** The objects a checkpoint is restored into; each must have the architecture/kind that was saved. */
export interface RestoreTargets {
  readonly network: CheckpointedModule;
  readonly ema?: ExponentialMovingAverage;
  readonly optimizer?: tf.Optimizer;
}

/**
 * Restores a checkpoint (the latest, or `options.step`) into a network and, if given, an EMA and an optimizer
 * (which must be fresh or of the same kind), and returns its JSON part; `info.rngs()` gives the saved generators.
 * Weight names and shapes must match the network exactly; every mismatch is reported at once.
 *
 * @example
 * const info = await restoreCheckpoint('runs/mnist/checkpoints', { network, ema, optimizer });
 * const { data: dataRng, noise: noiseRng } = info.rngs();
 * for (let step = info.step; step < total; step++) { ... }
 */
export async function restoreCheckpoint(
  root: string,
  targets: RestoreTargets,
  options: ReadCheckpointOptions = {},
): Promise<CheckpointInfo> {
  const info = await readCheckpoint(root, options);
  const manifest = await readManifest(info.path);
  const { network } = targets;
  const savedConfig = JSON.stringify(info.networkConfig);
  if (savedConfig !== JSON.stringify(network.config)) {
    throw new CheckpointError(
      info.path,
      `it was saved from a different network.\n  saved:    ${savedConfig}\n  restoring into: ${JSON.stringify(network.config)}\n` +
        'Build the network with createNetwork(info.networkConfig) from readCheckpoint().',
    );
  }

  const weightsFile = nodePath.join(info.path, FILES.weights);
  const { tensors: weights } = await loadTensors(weightsFile);
  try {
    const problems = matchNames(network.variables.map((v) => [v.name, v.variable.shape]), weights);
    if (problems.length > 0) throw new CheckpointError(weightsFile, problems.join('; '));
    for (const v of network.variables) v.variable.assign(weights[v.name]);
  } finally {
    tf.dispose(weights);
  }

  if (targets.ema) {
    if (info.ema == null) throw new CheckpointError(info.path, 'it holds no EMA weights but an EMA was given to restore into');
    const emaFile = nodePath.join(info.path, FILES.ema);
    const { tensors } = await loadTensors(emaFile);
    try {
      targets.ema.load(info.ema, tensors);
    } catch (e) {
      throw new CheckpointError(emaFile, (e as Error).message);
    } finally {
      tf.dispose(tensors);
    }
  }

  if (targets.optimizer) {
    if (manifest.optimizer == null) {
      throw new CheckpointError(info.path, 'it holds no optimizer state but an optimizer was given to restore into');
    }
    const optFile = nodePath.join(info.path, FILES.optimizer);
    const { tensors } = await loadTensors(optFile);
    try {
      await restoreOptimizer(targets.optimizer, network, manifest.optimizer, tensors, optFile);
    } finally {
      tf.dispose(tensors);
    }
  }
  return info;
}

function matchNames(expected: [string, number[]][], got: tf.NamedTensorMap): string[] {
  const problems: string[] = [];
  const names = new Set(expected.map(([n]) => n));
  for (const [name, shape] of expected) {
    const t = got[name];
    if (t == null) problems.push(`missing weight '${name}'`);
    else if (!tf.util.arraysEqual(t.shape, shape)) problems.push(`weight '${name}' has shape [${t.shape}], expected [${shape}]`);
  }
  for (const name of Object.keys(got)) if (!names.has(name)) problems.push(`unexpected weight '${name}'`);
  return problems;
}
