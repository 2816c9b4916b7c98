import * as tf from '@tensorflow/tfjs-core';
import type { JsonValue } from '@scorekit/core';
import type { CheckpointedModule } from '../Network.js';
import type { OptimizerManifest } from './checkpointFormat.js';

// tfjs's Adam keeps β₁ᵗ and β₂ᵗ in private variables updated by repeated multiplication; its setWeights
// recomputes them with pow(), which differs in the last float32 bits and would make a resumed run drift from an
// uninterrupted one. We save and restore them exactly.
interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

function className(optimizer: tf.Optimizer): string {
  return optimizer.getClassName();
}

/** Reads an optimizer's state with slot names rewritten from tfjs variable names to stable parameter names. */
export async function captureOptimizer(
  optimizer: tf.Optimizer,
  network: CheckpointedModule,
): Promise<{ tensors: tf.NamedTensorMap; owned: tf.Tensor[]; manifest: OptimizerManifest }> {
  const stableOf = new Map(network.variables.map((v) => [v.variable.name, v.name]));
  const weights = await optimizer.getWeights();
  const tensors: tf.NamedTensorMap = {};
  const owned: tf.Tensor[] = [];
  const order: string[] = [];
  for (const w of weights) {
    if (w.name === 'iter') {
      tensors.iter = w.tensor;
      owned.push(w.tensor);
      continue;
    }
    const slash = w.name.lastIndexOf('/');
    const stable = stableOf.get(w.name.slice(0, slash));
    if (stable == null) {
      throw new Error(
        `saveCheckpoint: the optimizer holds state for '${w.name}', which is not a variable of the network; ` +
          'checkpoint an optimizer only with the network it trains',
      );
    }
    const key = `${stable}${w.name.slice(slash)}`;
    tensors[key] = w.tensor;
    order.push(key);
  }
  const internals = optimizer as unknown as AdamInternals;
  const accBeta: [number, number] | undefined =
    internals.accBeta1 instanceof tf.Variable && internals.accBeta2 instanceof tf.Variable
      ? [internals.accBeta1.dataSync()[0], internals.accBeta2.dataSync()[0]]
      : undefined;
  return {
    tensors,
    owned,
    manifest: {
      className: className(optimizer),
      config: optimizer.getConfig() as unknown as JsonValue,
      slots: order,
      parameters: [...new Set(order.map((k) => k.slice(0, k.lastIndexOf('/'))))],
      ...(accBeta ? { accBeta } : {}),
    },
  };
}

/** Restores state captured by {@link captureOptimizer} into `optimizer`, which trains `network`. */
export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  network: CheckpointedModule,
  manifest: OptimizerManifest,
  tensors: tf.NamedTensorMap,
  file: string,
): Promise<void> {
  const problems: string[] = [];
  if (className(optimizer) !== manifest.className) {
    problems.push(`the checkpoint holds ${manifest.className} state but the optimizer is ${className(optimizer)}`);
  }
  const byStable = new Map(network.variables.map((v) => [v.name, v.variable]));
  const list: { name: string; tensor: tf.Tensor }[] = [];
  if (tensors.iter == null) problems.push(`${file} has no 'iter' tensor`);
  else list.push({ name: 'iter', tensor: tensors.iter });
  for (const key of manifest.slots) {
    const slash = key.lastIndexOf('/');
    const variable = byStable.get(key.slice(0, slash));
    const t = tensors[key];
    if (variable == null) problems.push(`optimizer state '${key}' belongs to no parameter of the network`);
    else if (t == null) problems.push(`${file} lacks optimizer state '${key}'`);
    else if (!tf.util.arraysEqual(t.shape, variable.shape)) {
      problems.push(`optimizer state '${key}' has shape [${t.shape}], parameter has [${variable.shape}]`);
    } else list.push({ name: `${variable.name}${key.slice(slash)}`, tensor: t });
  }
  if (problems.length > 0) throw new Error(`Cannot restore the optimizer from ${file}:\n  - ${problems.join('\n  - ')}`);
  const previous = await optimizer.getWeights();
  await optimizer.setWeights(list);
  tf.dispose(previous.map((w) => w.tensor));
  const internals = optimizer as unknown as AdamInternals;
  if (manifest.accBeta && internals.accBeta1 instanceof tf.Variable && internals.accBeta2 instanceof tf.Variable) {
    const [b1, b2] = manifest.accBeta;
    tf.tidy(() => {
      (internals.accBeta1 as tf.Variable).assign(tf.scalar(b1));
      (internals.accBeta2 as tf.Variable).assign(tf.scalar(b2));
    });
  }
}
